package graphgate.licence_test

import data.graphgate.licence

inp(audience, licences) := {"request": {"audience": audience}, "record": {"licences": licences}}

rules(d) := {r.rule | some r in d.reasons}

decide(i) := d if {
	d := licence.decision with input as i
}

test_each_licence_by_audience if {
	every audience in ["internal", "partner", "public"] {
		decide(inp(audience, ["public"])).allow
	}
	decide(inp("partner", ["partner-shareable"])).allow
	not decide(inp("public", ["partner-shareable"])).allow
	decide(inp("internal", ["internal-only"])).allow
	not decide(inp("partner", ["internal-only"])).allow
}

test_no_export_blocks_every_audience if {
	every audience in ["internal", "partner", "public"] {
		d := licence.decision with input as inp(audience, ["no-export"])
		rules(d) == {"licence.no_export"}
	}
}

test_mixed_licences_most_restrictive_wins if {
	d := licence.decision with input as inp("partner", ["public", "partner-shareable", "internal-only"])
	not d.allow
	d.licence == "internal-only"
	rules(d) == {"licence.audience_not_permitted"}
	contains(d.reasons[0].message, "mixes licences")
}

test_mixed_public_and_partner_to_partner_is_allowed if {
	d := licence.decision with input as inp("partner", ["public", "partner-shareable"])
	d.allow
	d.licence == "partner-shareable"
}

test_unknown_licence_counts_as_no_export if {
	d := licence.decision with input as inp("internal", ["public", "scraped-tos-unknown"])
	d.licence == "no-export"
	rules(d) == {"licence.no_export"}
}

test_undeclared_licence_is_denied if {
	d := licence.decision with input as inp("internal", [])
	rules(d) == {"licence.undeclared"}
}

test_default_deny_without_audience if {
	d := licence.decision with input as {"record": {"licences": ["public"]}}
	rules(d) == {"licence.default_deny"}
}
