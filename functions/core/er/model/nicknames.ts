/**
 * Given names and the short forms people go by, as groups of equivalent tokens (lowercase, as `nameTokens` makes
 * them). A general list of common English-language hypocoristics plus a few widespread European ones, written from
 * naming practice, not from any test data; a tenant with other naming cultures would extend it. A token may sit in
 * several groups (`pat` is Patrick and Patricia), so a match means "the two tokens share a group".
 */

const groups = `
  william bill will billy willy liam | robert bob rob bobby robbie bert | richard rick dick rich richie ricky
  james jim jimmy jamie jem | john jack johnny jon | michael mike mick mickey mikey | thomas tom tommy
  charles charlie chuck chas | joseph joe joey jos | edward ed eddie ted teddy ned | daniel dan danny
  matthew matt matty | anthony tony | christopher chris kit | nicholas nick nicky | benjamin ben benny
  samuel sam sammy | alexander alex alec sandy sasha | andrew andy drew | jonathan jon jonny | timothy tim timmy
  stephen steve stevie | steven steve | patrick pat paddy | peter pete | kenneth ken kenny | ronald ron ronnie
  donald don donnie | gregory greg | lawrence larry laurie | frederick fred freddie freddy | henry harry hank hal
  francis frank frankie | gerald gerry jerry | jeffrey jeff | geoffrey geoff jeff | leonard len lenny leo
  raymond ray | walter walt wally | albert al bert bertie | alfred alf alfie fred | vincent vince vinny
  zachary zach zack | nathaniel nate nat | nathan nate | gabriel gabe | douglas doug | philip phil pip
  phillip phil | eugene gene | harold harry hal | arthur art artie | allan al | alan al | abraham abe
  isaac ike | jacob jake | joshua josh | maximilian max | maxwell max | oliver ollie | david dave davy
  elizabeth liz lizzie beth betty bess bessie eliza lisa libby elsie | margaret maggie peggy meg margie greta
  katherine kate kathy katie kat kitty | catherine cathy kate cat | kathleen kathy kath | jennifer jen jenny
  rebecca becky becca | susan sue susie suzy | deborah debbie deb | patricia pat patty trish tricia
  barbara barb babs | victoria vicky tori | christine chris tina | christina chris tina | jessica jess jessie
  abigail abby gail | alexandra alex sandra sandy lexi | dorothy dot dottie dolly | josephine jo josie
  samantha sam sammy | eleanor ellie nora nell | theresa tess terry tessa | teresa tess terry
  virginia ginny | judith judy | olivia liv livvy | isabella bella izzy | isabel bella izzy | emily em emmy
  charlotte lottie charlie | amelia millie amy | sophia sophie | frances fran frankie | helen nell nellie
  mary molly polly mae | ann annie nan nancy | anne annie nan | caroline carol carrie | pamela pam
  cynthia cindy | gwendolyn gwen | jacqueline jackie | kimberley kim | kimberly kim | natalie nat
  penelope penny | rosemary rose rosie | ruth ruthie | sarah sally sadie | stephanie steph | valerie val
  wilhelmina mina willa | johann hans | johannes hans jan | giuseppe beppe | francesco cesco | jose pepe
  ivan vanya | dmitri dima | aleksandr sasha sanya | nikolai kolya | ekaterina katya | maria masha
`;

/** Token → indexes of the groups it belongs to. */
const groupsOf = new Map<string, number[]>();
groups
  .split('|')
  .map((g) => g.trim().split(/\s+/))
  .forEach((names, index) => {
    for (const n of names) groupsOf.set(n, [...(groupsOf.get(n) ?? []), index]);
  });

/**
 * True when two different name tokens are forms of one given name (`bill`/`william`, `liz`/`beth`).
 *
 * @example
 * isNickname('bill', 'william') // true
 */
export function isNickname(a: string, b: string): boolean {
  if (a === b) return false;
  const ga = groupsOf.get(a);
  const gb = groupsOf.get(b);
  return !!ga && !!gb && ga.some((g) => gb.includes(g));
}
