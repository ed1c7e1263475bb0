package graphgate.scope_test

import data.graphgate.scope

test_roles_union_and_sorted if {
	d := scope.decision with input as {"caller": {"roles": ["viewer", "analyst"]}}
	d.allow
	d.classes == ["case-note", "entity", "telemetry"]
	d.purposes == ["analytics", "investigation", "support"]
}

test_pii_needs_clearance if {
	without := scope.decision with input as {"caller": {"roles": ["investigator"]}}
	with_clearance := scope.decision with input as {"caller": {"roles": ["investigator"], "clearances": ["pii"]}}
	not "pii" in without.classes
	"pii" in with_clearance.classes
	"contact" in with_clearance.classes
}

test_order_of_attributes_does_not_matter if {
	a := scope.decision with input as {"caller": {"roles": ["analyst", "legal"], "clearances": ["pii", "financial"]}}
	b := scope.decision with input as {"caller": {"roles": ["legal", "analyst", "analyst"], "clearances": ["financial", "pii"]}}
	a == b
}

test_unknown_roles_grant_nothing if {
	d := scope.decision with input as {"caller": {"roles": ["root"]}}
	not d.allow
	d.classes == []
	d.reasons[0].rule == "scope.no_known_role"
}

test_default_deny_without_caller if {
	d := scope.decision with input as {}
	not d.allow
	d.reasons[0].rule == "scope.default_deny"
}
