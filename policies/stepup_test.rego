package graphgate.stepup_test

import data.graphgate.stepup

inp(caller, name, sensitive) := {"caller": caller, "request": {"operation": {"name": name, "sensitive": sensitive}}}

er_worker := {"kind": "service", "service": "er-intake"}

test_sensitive_needs_stepup if {
	d := stepup.decision with input as inp({"kind": "human"}, "MergeEntity", true)
	not d.allow
	not d.audit
	d.reasons[0].rule == "stepup.required"
	contains(d.reasons[0].unlock, "step-up")
}

test_exemption_skips_and_is_audited if {
	d := stepup.decision with input as inp(er_worker, "MergeEntity", true)
	d.allow
	d.audit
	d.exemption == "er-auto-merge"
	d.reasons[0].rule == "stepup.exemption"
}

test_exemption_is_narrow_to_its_operations if {
	d := stepup.decision with input as inp(er_worker, "deleteTenant", true)
	not d.allow
}

test_human_impersonating_service_name_gets_no_exemption if {
	d := stepup.decision with input as inp({"kind": "human", "service": "er-intake"}, "MergeEntity", true)
	not d.allow
}

test_missing_sensitive_flag_counts_as_sensitive if {
	d := stepup.decision with input as {"caller": {"kind": "human"}, "request": {"operation": {"name": "x"}}}
	not d.allow
}

test_not_sensitive_needs_no_stepup_and_no_audit if {
	d := stepup.decision with input as inp({"kind": "human"}, "entity", false)
	d.allow
	not d.audit
}

test_exemptions_come_only_from_policy_data if {
	d := stepup.decision with input as inp(er_worker, "MergeEntity", true) with data.config.stepup.exemptions as []
	not d.allow
}

test_default_deny if {
	d := stepup.decision with input as {}
	d.reasons[0].rule == "stepup.default_deny"
}
