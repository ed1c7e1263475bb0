package graphgate.purpose_test

import data.graphgate.purpose

investigator := {"roles": ["investigator", "analyst"], "clearances": ["pii"]}

inp(caller, want, classes, collected) := {
	"caller": caller,
	"request": {"purpose": want},
	"record": {"classes": classes, "purposes": collected},
}

rules(d) := {r.rule | some r in d.reasons}

test_collected_purpose_is_allowed if {
	d := purpose.decision with input as inp(investigator, "fraud-review", ["entity"], ["fraud-review"])
	d.allow
	rules(d) == {"purpose.collected_for"}
}

test_purpose_drift_is_denied_with_unlock if {
	d := purpose.decision with input as inp(investigator, "investigation", ["entity"], ["fraud-review"])
	not d.allow
	rules(d) == {"purpose.drift"}
	d.reasons[0].unlock == "request purpose 'fraud-review' instead"
}

test_drift_without_any_collection_purpose if {
	d := purpose.decision with input as inp(investigator, "investigation", ["entity"], [])
	rules(d) == {"purpose.drift"}
	contains(d.reasons[0].unlock, "record a collection purpose")
}

test_pii_deny_wins_over_collected_allow if {
	# collected for analytics, analyst may declare analytics - but PII may not be used for analytics
	d := purpose.decision with input as inp(investigator, "analytics", ["pii"], ["analytics"])
	not d.allow
	rules(d) == {"purpose.pii_not_permitted"}
}

test_same_request_without_pii_is_allowed if {
	d := purpose.decision with input as inp(investigator, "analytics", ["entity"], ["analytics"])
	d.allow
}

test_pii_without_clearance_is_denied if {
	d := purpose.decision with input as inp({"roles": ["investigator"]}, "fraud-review", ["pii"], ["fraud-review"])
	rules(d) == {"purpose.pii_out_of_scope"}
}

test_purpose_outside_caller_roles if {
	d := purpose.decision with input as inp({"roles": ["viewer"]}, "investigation", ["entity"], ["investigation"])
	rules(d) == {"purpose.not_in_caller_scope"}
}

test_undeclared_purpose if {
	d := purpose.decision with input as {"caller": investigator, "request": {}, "record": {"classes": [], "purposes": ["support"]}}
	rules(d) == {"purpose.undeclared"}
}

test_default_deny_has_own_reason if {
	d := purpose.decision with input as {}
	not d.allow
	rules(d) == {"purpose.default_deny"}
	d.reasons[0].message != ""
}
