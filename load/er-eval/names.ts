/**
 * Name material of the labelled generator: given names with the nicknames people actually use for them, middle
 * names and family names. Kept as space-separated text so the lists stay readable; pools are large enough that
 * different people share names by chance (the hard negatives a resolver must keep apart).
 */

const words = (text: string) => text.trim().split(/\s+/);

/** Given name → nicknames (a given name without nicknames maps to an empty list). */
export const nicknames: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  `William:Bill,Will,Billy Robert:Bob,Rob,Bobby Richard:Rick,Dick,Rich James:Jim,Jimmy,Jamie John:Jack,Johnny
   Michael:Mike,Mick Thomas:Tom,Tommy Charles:Charlie,Chuck Joseph:Joe,Joey Edward:Ed,Eddie,Ted Daniel:Dan,Danny
   Matthew:Matt Anthony:Tony Christopher:Chris Nicholas:Nick Benjamin:Ben Samuel:Sam Alexander:Alex,Sasha
   Andrew:Andy,Drew Jonathan:Jon Timothy:Tim Stephen:Steve Steven:Steve Patrick:Pat Peter:Pete Kenneth:Ken
   Ronald:Ron Donald:Don Gregory:Greg Lawrence:Larry Frederick:Fred Henry:Harry,Hank Francis:Frank
   Elizabeth:Liz,Beth,Betty,Eliza Margaret:Maggie,Peggy,Meg Katherine:Kate,Kathy,Katie Catherine:Cathy,Kate
   Jennifer:Jen,Jenny Rebecca:Becky Susan:Sue,Susie Deborah:Debbie,Deb Patricia:Pat,Patty,Trish Barbara:Barb
   Victoria:Vicky,Tori Christine:Chris,Tina Jessica:Jess Abigail:Abby Alexandra:Alex,Sandra Dorothy:Dot
   Josephine:Jo,Josie Samantha:Sam Eleanor:Ellie,Nora Theresa:Tess,Terry Virginia:Ginny Judith:Judy
   Olivia:Liv Isabella:Bella,Izzy Emily:Em Charlotte:Lottie Amelia:Millie Sophia:Sophie Zachary:Zach
   Nathaniel:Nate,Nat Gabriel:Gabe Raymond:Ray Walter:Walt Albert:Al,Bert Leonard:Len,Leo Vincent:Vince
   Emma: Grace: Lucy: Hannah: Laura: Sarah: Rachel: Paula: Ingrid: Astrid: Fatima: Aisha: Priya: Ananya: Mei:
   Yuki: Lars: Sven: Mateo: Diego: Carlos: Luis: Omar: Tariq: Ivan: Dmitri: Pierre: Hugo: Oscar: Felix: Marco:`
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [name, nicks] = entry.split(':') as [string, string];
      return [name, nicks ? nicks.split(',') : []];
    }),
);

export const givenNames: readonly string[] = Object.keys(nicknames);

export const middleNames: readonly string[] = words(`
  Anne Marie Louise Jane Rose Mae Grace Elizabeth May Lynn Ann Joy Claire Jean Kay Ruth
  James John Paul Lee Michael David Edward Alan Ray Scott Wayne Dean Joseph Thomas Robert Henry`);

export const familyNames: readonly string[] = words(`
  Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson
  Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young
  Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
  Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
  Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
  Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
  Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero
  Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson
  Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
  Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez
  Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
  Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn
  Kowalski Nowak Novak Horvat Jensen Hansen Larsen Nielsen Johansson Lindqvist Berg Muller Schneider Fischer Weber
  Becker Hoffmann Schulz Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Hartmann Lange Werner Krause Lehmann
  Dubois Durand Lefebvre Moreau Laurent Girard Bonnet Dupont Lambert Fontaine Rossi Russo Ferrari Esposito Bianchi
  Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano Mancini Rizzo Lombardi Moretti Ivanov Petrov
  Smirnov Popov Volkov Sokolov Kuznetsov Yamamoto Tanaka Suzuki Watanabe Takahashi Sato Ito Nakamura Kobayashi Singh
  Kumar Sharma Gupta Khan Ali Ahmed Hassan Hussein Ibrahim Okafor Okonkwo Mensah Boateng Adeyemi Nkosi Dlamini`);

export const streets: readonly string[] = words(`
  High Station Church Victoria Green Manor Park Queens Kings Mill Chestnut Oak Elm Willow Maple Cedar Birch Ash Beech
  Grove Meadow Orchard Riverside Bridge School London York Albert Mount Hill North South West East Spring Garden`);

export const streetKinds: readonly string[] = words('Street Road Lane Avenue Close Drive Way Crescent Place Gardens');

export const cities: readonly string[] = words(`
  Ashford Bradley Carlton Dunmore Eastwick Fairview Glenwood Harlow Ivybridge Kingsbury Lakeside Millbrook Newport
  Oakham Preston Queensbury Redhill Stanton Thornbury Upton Westfield Yarmouth`);
