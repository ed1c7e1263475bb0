package graphgate.retention_test

import data.graphgate.retention

day := 86400000

now := 1000 * day

rec(classes, age_days, hold) := {
	"now_ms": now,
	"record": {"classes": classes, "created_at_ms": now - (age_days * day), "legal_hold": hold},
}

rules(d) := {r.rule | some r in d.reasons}

decide(i) := d if {
	d := retention.decision with input as i
}

test_default_tier_is_standard_365d if {
	d := retention.decision with input as rec([], 10, false)
	d.tier == "standard-365d"
	d.allow
}

test_unknown_class_falls_back_to_standard if {
	d := retention.decision with input as rec(["not-in-catalogue"], 364, false)
	d.tier == "standard-365d"
	d.allow
}

test_each_tier_from_class_table if {
	decide(rec(["telemetry"], 1, false)).tier == "ephemeral-7d"
	decide(rec(["case-note"], 1, false)).tier == "standard-365d"
	decide(rec(["contract"], 1, false)).tier == "long-1825d"
}

test_pii_caps_at_short_30d if {
	# contact is catalogued as standard-365d but is PII
	d := retention.decision with input as rec(["contact", "contract"], 31, false)
	d.tier == "short-30d"
	not d.allow
	rules(d) == {"retention.expired"}
	contains(d.reasons[0].message, "PII caps retention")
	d.reasons[0].unlock != null
}

test_pii_within_30_days_is_kept if {
	d := retention.decision with input as rec(["pii"], 29, false)
	d.allow
	d.expires_at_ms == (now - (29 * day)) + (30 * day)
}

test_pii_under_legal_hold_is_held_not_capped if {
	d := retention.decision with input as rec(["pii"], 400, true)
	d.tier == "legal-hold"
	d.held
	d.allow
	d.expires_at_ms == null
	rules(d) == {"retention.legal_hold"}
}

test_expired_vs_held_same_age if {
	expired := retention.decision with input as rec(["telemetry"], 8, false)
	held := retention.decision with input as rec(["telemetry"], 8, true)
	not expired.allow
	held.allow
	rules(expired) == {"retention.expired"}
}

test_legal_hold_never_expires if {
	d := retention.decision with input as rec(["telemetry"], 100000, true)
	d.allow
}

test_boundary_last_day_is_kept if {
	d := retention.decision with input as rec(["telemetry"], 7, false)
	d.allow
}

test_default_deny_without_clock if {
	d := retention.decision with input as {"record": {"classes": ["pii"]}}
	not d.allow
	rules(d) == {"retention.default_deny"}
	d.reasons[0].unlock != null
}
