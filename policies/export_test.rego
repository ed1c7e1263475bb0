package graphgate.export_test

import data.graphgate.export

day := 86400000

now := 1000 * day

investigator := {"roles": ["investigator"], "clearances": ["pii"]}

base := {
	"now_ms": now,
	"caller": investigator,
	"request": {"purpose": "fraud-review", "audience": "internal", "kind": "bulk"},
	"record": {
		"created_at_ms": now - day,
		"classes": ["entity", "pii"],
		"purposes": ["fraud-review"],
		"licences": ["internal-only"],
		"fields": {"id": "entity", "name": "pii", "iban": "financial", "passport": "identity-document"},
	},
}

rules(d) := {r.rule | some r in d.reasons}

test_permitted_with_redactions if {
	d := export.decision with input as base
	d.allow
	rules(d) == {"export.permitted"}

	# identity documents are redacted for every audience; financial is outside this caller's scope
	d.redact == ["iban", "passport"]
}

test_partner_audience_denied_by_licence_and_pii_redacted if {
	d := export.decision with input as json.patch(base, [{"op": "replace", "path": "/request/audience", "value": "partner"}])
	not d.allow
	rules(d) == {"licence.audience_not_permitted"}
	"name" in d.redact
}

test_every_upstream_deny_is_reported if {
	d := export.decision with input as json.patch(base, [
		{"op": "replace", "path": "/request/purpose", "value": "marketing"},
		{"op": "replace", "path": "/record/licences", "value": ["no-export"]},
		{"op": "replace", "path": "/record/created_at_ms", "value": now - (40 * day)},
	])
	not d.allow
	{"purpose.drift", "purpose.pii_not_permitted", "licence.no_export", "retention.expired"} - rules(d) == set()
}

test_pii_under_legal_hold_can_be_exported_internally if {
	d := export.decision with input as json.patch(base, [
		{"op": "replace", "path": "/record/created_at_ms", "value": now - (400 * day)},
		{"op": "add", "path": "/record/legal_hold", "value": true},
	])
	d.allow
}

test_default_deny_names_missing_parts if {
	d := export.decision with input as {}
	not d.allow
	{"purpose.default_deny", "licence.default_deny", "retention.default_deny"} - rules(d) == set()
}
