package graphgate.stepup_test

import data.graphgate.stepup

inp(caller, name, sensitive) := {"caller": caller, "request": {"operation": {"name": name, "sensitive": sensitive}}}

er_worker := {"kind": "service", "service": "er-intake"}

test_sensitive_needs_stepup if {
	d := stepup.decision with input as inp({"kind": "human"}, "MergeEntity", true)
	not d.allow
	d.audit
	d.enforcement == "enforce"
	d.reasons[0].rule == "stepup.required"
	contains(d.reasons[0].message, "from the default setting")
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

# Enforcement settings: policy data per stage and tenant, most specific first.

call(tenant, stage) := object.union(inp({"kind": "human"}, "MergeEntity", true), {"tenant": tenant, "stage": stage})

settings := {
	"default": "enforce",
	"stages": {"dev": "monitor", "staging": "exempt"},
	"tenants": {"t-monitor": "monitor", "t-exempt": "exempt", "t-strict": "enforce", "t-typo": "off"},
}

test_monitor_lets_the_call_run_without_a_grant_and_audits_it if {
	d := stepup.decision with input as call("t-monitor", "prod") with data.config.stepup.enforcement as settings
	d.allow
	d.audit
	d.enforcement == "monitor"
	d.exemption == null
	d.reasons[0].rule == "stepup.monitor"
	contains(d.reasons[0].message, "from the tenant setting")
}

test_exempt_is_an_audited_exemption if {
	d := stepup.decision with input as call("t-exempt", "prod") with data.config.stepup.enforcement as settings
	d.allow
	d.audit
	d.enforcement == "exempt"
	d.exemption == "enforcement-exempt"
	d.reasons[0].rule == "stepup.enforcement_exempt"
}

test_enforce_requires_a_grant if {
	d := stepup.decision with input as call("t-other", "prod") with data.config.stepup.enforcement as settings
	not d.allow
	d.enforcement == "enforce"
	d.reasons[0].rule == "stepup.required"
}

test_stage_setting_applies_to_tenants_without_an_override if {
	dev := stepup.decision with input as call("t-other", "dev") with data.config.stepup.enforcement as settings
	dev.enforcement == "monitor"
	contains(dev.reasons[0].message, "from the stage setting")
	staging := stepup.decision with input as call("t-other", "staging") with data.config.stepup.enforcement as settings
	staging.exemption == "enforcement-exempt"
}

test_tenant_override_beats_the_stage if {
	d := stepup.decision with input as call("t-strict", "staging") with data.config.stepup.enforcement as settings
	not d.allow
	d.enforcement == "enforce"
}

test_unknown_setting_fails_closed if {
	d := stepup.decision with input as call("t-typo", "staging") with data.config.stepup.enforcement as settings
	not d.allow
	d.enforcement == "enforce"
}

test_no_enforcement_data_enforces if {
	d := stepup.decision with input as call("t-any", "prod") with data.config.stepup.enforcement as {}
	not d.allow
	contains(d.reasons[0].message, "from the built-in setting")
}

test_service_exemption_wins_over_the_setting if {
	worker := object.union(inp(er_worker, "MergeEntity", true), {"tenant": "t-exempt", "stage": "prod"})
	d := stepup.decision with input as worker with data.config.stepup.enforcement as settings
	d.exemption == "er-auto-merge"
}

test_shipped_data_enforces_everywhere if {
	every stage in ["local", "dev", "staging", "prod"] {
		d := stepup.decision with input as call("t-any", stage)
		d.enforcement == "enforce"
	}
}
