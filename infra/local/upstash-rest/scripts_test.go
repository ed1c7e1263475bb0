package main

import (
	"regexp"
	"testing"
)

func TestDropsAllowKeyLockingAndKeepsFlagsRedisKnows(t *testing.T) {
	cases := map[string]string{
		"#!lua flags=allow-key-locking\nreturn 1":           "#!lua\nreturn 1",
		"#!lua flags=no-writes,allow-key-locking\nreturn 1": "#!lua flags=no-writes\nreturn 1",
		"return 1": "return 1",
	}
	for in, want := range cases {
		if got := stripUpstashFlags(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestMapsTheClientShaOfAFlaggedScriptToTheShaRedisStored(t *testing.T) {
	var translator scriptTranslator
	script := "#!lua flags=allow-key-locking\nreturn 1"
	loaded := translator.rewrite(bytesOf([]string{"SCRIPT", "LOAD", script}))
	clientSha := string(loaded.finish([]byte("whatever")).([]byte))
	evalsha := translator.rewrite(bytesOf([]string{"EVALSHA", clientSha, "0"}))
	if string(loaded.args[2]) != "#!lua\nreturn 1" {
		t.Errorf("loaded %q", loaded.args[2])
	}
	if clientSha != sha1Hex(script) {
		t.Errorf("the client sha %s is not the sha of what it sent", clientSha)
	}
	if got := string(evalsha.args[1]); got == clientSha || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(got) || got != sha1Hex("#!lua\nreturn 1") {
		t.Errorf("evalsha sent %q", got)
	}
	if errorAsIs := loaded.finish(errorReply("ERR x")); errorAsIs != errorReply("ERR x") {
		t.Errorf("an error reply was replaced: %v", errorAsIs)
	}
}
