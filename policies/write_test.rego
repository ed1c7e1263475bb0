package graphgate.write_test

import data.config.classes
import data.config.scope.roles
import data.config.write as cfg
import data.graphgate.scope
import data.graphgate.write

callers := {
	"no attributes": {},
	"unknown role": {"roles": ["root"]},
	"viewer": {"roles": ["viewer"]},
	"viewer with pii clearance": {"roles": ["viewer"], "clearances": ["pii"]},
	"analyst": {"roles": ["analyst"]},
	"investigator": {"roles": ["investigator"]},
	"investigator with pii": {"roles": ["investigator"], "clearances": ["pii", "financial"]},
	"legal": {"roles": ["legal"]},
	"legal with pii": {"roles": ["legal"], "clearances": ["pii"]},
	"admin": {"roles": ["admin"]},
	"viewer and legal with pii": {"roles": ["viewer", "legal"], "clearances": ["pii"]},
}

# The matrix: one caller per role (and one with no known role), every operation, and classes that between them are
# visible to each role and not, on both sides of every role's scope and at both ends of the sensitivity order.
matrix_callers := ["unknown role", "viewer", "analyst", "investigator with pii", "legal with pii", "admin"]

operations := ["upsert", "link", "merge", "unmerge", "reclassify"]

new_classes := ["entity", "case-note", "session", "contact", "pii", "identity-document"]

current_classes := array.concat([null], new_classes)

decide(caller, op, current, new) := d if {
	d := write.decision with input as {
		"caller": caller,
		"write": {"operation": op, "current_class": current, "new_class": new},
	}
}

rules(d) := {r.rule | some r in d.reasons}

rank(class) := classes[class].sensitivity

allowed_ops(caller) := {op |
	some r in scope.known_roles(caller)
	some op in roles[r].write
}

combos(ops) := [[name, op, current, new] |
	some name in matrix_callers
	some op in ops
	some current in current_classes
	some new in new_classes
]

# name, operation, current, new, allow, rules
table := [
	["viewer", "upsert", null, "entity", false, {"write.role_cannot_write"}],
	["viewer", "upsert", "pii", "entity", false, {"write.role_cannot_write"}],
	["viewer", "upsert", "pii", "pii", false, {"write.role_cannot_write", "write.new_class_out_of_scope"}],
	["no attributes", "upsert", null, "entity", false, {"write.role_cannot_write", "write.new_class_out_of_scope"}],
	["unknown role", "upsert", null, "pii", false, {"write.role_cannot_write", "write.new_class_out_of_scope"}],
	["analyst", "upsert", null, "entity", true, {"write.permitted"}],
	["analyst", "upsert", "entity", "case-note", true, {"write.permitted"}],
	["analyst", "upsert", null, "pii", false, {"write.new_class_out_of_scope"}],
	["analyst", "upsert", "pii", "entity", false, {"write.current_class_out_of_scope"}],
	["analyst", "link", "entity", "entity", true, {"write.permitted"}],
	["analyst", "merge", "entity", "case-note", true, {"write.permitted"}],
	["analyst", "unmerge", "case-note", "entity", true, {"write.permitted"}],
	["analyst", "reclassify", "case-note", "entity", false, {"write.role_cannot_write"}],
	["investigator", "upsert", null, "pii", false, {"write.new_class_out_of_scope"}],
	["investigator with pii", "upsert", null, "pii", true, {"write.permitted"}],
	["investigator with pii", "upsert", "entity", "pii", true, {"write.permitted"}],
	["investigator with pii", "upsert", "contact", "pii", true, {"write.permitted"}],
	["investigator with pii", "upsert", "pii", "entity", false, {"write.lowering_needs_reclassify"}],
	["investigator with pii", "upsert", "pii", "contact", false, {"write.lowering_needs_reclassify"}],
	["investigator with pii", "merge", "pii", "entity", false, {"write.lowering_needs_reclassify"}],
	["investigator with pii", "reclassify", "pii", "entity", false, {"write.role_cannot_write"}],
	["legal", "reclassify", "pii", "entity", false, {"write.current_class_out_of_scope"}],
	["legal with pii", "reclassify", "pii", "entity", true, {"write.permitted"}],
	["legal with pii", "reclassify", null, "entity", false, {"write.reclassify_needs_entity"}],
	["legal with pii", "reclassify", "pii", "financial", false, {"write.new_class_out_of_scope"}],
	["legal with pii", "merge", "pii", "pii", false, {"write.role_cannot_write"}],
	["viewer and legal with pii", "reclassify", "contact", "case-note", true, {"write.permitted"}],
	["admin", "upsert", "session", "telemetry", false, {"write.lowering_needs_reclassify"}],
	["admin", "upsert", "telemetry", "session", true, {"write.permitted"}],
	["analyst", "delete", "entity", "entity", false, {"write.unknown_operation"}],
]

test_table if {
	every row in table {
		[name, op, current, new, allow, want] := row
		d := decide(callers[name], op, current, new)
		d.allow == allow
		rules(d) == want
	}
}

test_explains_name_the_rule_the_reason_and_what_would_unlock_it if {
	lower := decide(callers["investigator with pii"], "upsert", "pii", "entity")
	lower.reasons == [{
		"rule": "write.lowering_needs_reclassify",
		"message": "The write would lower the entity's class; only an operation that may lower classes can do that. Class 'pii' (sensitivity 7) to 'entity' (sensitivity 0) by operation 'upsert'.",
		"unlock": "use reclassifyEntity (step-up, audited) with a role that may reclassify: legal",
	}]
	viewer := decide(callers.viewer, "upsert", null, "entity")
	viewer.reasons[0].unlock == "be granted a role that may upsert: admin, analyst, investigator, legal"
	out := decide(callers.analyst, "upsert", null, "pii")
	endswith(out.reasons[0].message, "New class pii; the caller's classes: case-note, entity, telemetry.")
	hidden := decide(callers.analyst, "upsert", "pii", "entity")
	hidden.reasons == [{
		"rule": "write.current_class_out_of_scope",
		"message": "The id belongs to a record outside the caller's scope; what it holds is not shown.",
		"unlock": "omit the id to create a new entity, or ask a caller whose scope covers this record",
	}]
	granted := decide(callers["legal with pii"], "reclassify", "pii", "entity")
	granted.lowering
	granted.reasons[0].message == "A role allows the operation and both classes are in the caller's scope. Operation 'reclassify' by roles legal; class pii to entity."
}

# What the write policy must decide, stated on its own: a role allows the operation, the new class and an existing
# entity's class are in scope, reclassify needs an entity, and only operations that may lower a class lower one.
expected_allow(name, op, current, new) if {
	op in allowed_ops(callers[name])
	visible := scope.classes_for(callers[name])
	new in visible
	current_ok(op, current, visible)
	not lowers_without_right(op, current, new)
}

current_ok(op, null, _) if op != "reclassify"

current_ok(_, current, visible) if current in visible

lowers_without_right(op, current, new) if {
	rank(new) < rank(current)
	not op in cfg.may_lower
}

test_matrix_allows_exactly_the_permitted_writes_and_explains_every_deny if {
	every c in combos(operations) {
		[name, op, current, new] := c
		d := decide(callers[name], op, current, new)
		d.allow == is_expected(name, op, current, new)
		writes_only_with_a_role(name, d, op)
		count(d.reasons) > 0
		every r in d.reasons {
			startswith(r.rule, "write.")
			r.message != ""
			explained(d.allow, r)
		}
	}
}

# A grant needs no unlock; every deny reason says what would unlock it.
explained(true, r) if r.unlock == null

explained(false, r) if {
	is_string(r.unlock)
	r.unlock != ""
}

is_expected(name, op, current, new) if expected_allow(name, op, current, new)

else := false

# A caller none of whose roles allows the operation is told so, whatever else is wrong with the write.
writes_only_with_a_role(name, _, op) if op in allowed_ops(callers[name])

writes_only_with_a_role(name, d, op) if {
	not op in allowed_ops(callers[name])
	not d.allow
	"write.role_cannot_write" in rules(d)
}

test_matrix_refuses_lowering_through_upsert_link_and_merge_with_reclassify_as_the_unlock if {
	every c in combos(["upsert", "link", "merge"]) {
		[name, op, current, new] := c
		lowering_refused(name, op, current, new)
	}
}

lowering_refused(name, _, current, new) if not lowers_visible_class(name, current, new)

lowering_refused(name, op, current, new) if {
	lowers_visible_class(name, current, new)
	d := decide(callers[name], op, current, new)
	not d.allow
	d.lowering
	some r in d.reasons
	r.rule == "write.lowering_needs_reclassify"
	contains(r.unlock, "reclassifyEntity")
}

lowers_visible_class(name, current, new) if {
	rank(new) < rank(current)
	current in scope.classes_for(callers[name])
}

test_matrix_answers_for_a_record_outside_scope_like_for_a_missing_id if {
	every c in combos(["upsert"]) {
		[name, op, current, new] := c
		hidden_like_missing(name, op, current, new)
	}
}

# Outside scope: refused exactly like a missing id would be, or, when a missing id could be written, refused without
# naming anything the record holds.
hidden_like_missing(_, _, null, _) := true

hidden_like_missing(name, _, current, _) if current in scope.classes_for(callers[name])

hidden_like_missing(name, op, current, new) if {
	current != null
	not current in scope.classes_for(callers[name])
	hidden := decide(callers[name], op, current, new)
	not hidden.allow
	not hidden.lowering
	same_or_unnamed(hidden, decide(callers[name], op, null, new), current)
}

same_or_unnamed(hidden, missing, _) if {
	not missing.allow
	hidden.reasons == missing.reasons
}

same_or_unnamed(hidden, missing, current) if {
	missing.allow
	rules(hidden) == {"write.current_class_out_of_scope"}
	every r in hidden.reasons {
		not contains(r.message, current)
		not contains(r.unlock, current)
	}
}

test_matrix_lets_only_a_role_with_the_reclassify_right_reclassify if {
	every c in combos(["reclassify"]) {
		[name, op, current, new] := c
		reclassify_needs_its_role(name, decide(callers[name], op, current, new))
	}
}

reclassify_needs_its_role(name, _) if "reclassify" in allowed_ops(callers[name])

reclassify_needs_its_role(name, d) if {
	not "reclassify" in allowed_ops(callers[name])
	not d.allow
}

test_sensitivity_is_a_total_order if {
	count({c.sensitivity | some c in classes}) == count(classes)
}

test_default_deny_without_a_write if {
	d := write.decision with input as {"caller": {"roles": ["analyst"]}}
	rules(d) == {"write.default_deny"}
	d.reasons[0].unlock != null
}

test_roles_get_write_rights_only_from_policy_data if {
	d := write.decision with input as {
		"caller": {"roles": ["analyst"]},
		"write": {"operation": "upsert", "current_class": null, "new_class": "entity"},
	}
		with data.config.scope.roles.analyst.write as []
	rules(d) == {"write.role_cannot_write"}
}
