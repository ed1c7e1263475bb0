# METADATA
# title: graphgate.write
# description: >-
#   Writes inside a tenant. A caller may change an entity only through an operation one of its roles allows,
#   and only when the entity's current and new data class are both in its scope. Lowering a class (to a less
#   sensitive one) is its own operation, reclassify; an entity outside the caller's scope is never described.
package graphgate.write

import data.config.classes
import data.config.scope as scope_cfg
import data.config.write as cfg
import data.graphgate.lib
import data.graphgate.scope

# METADATA
# title: write.request
# description: The write to decide - operation, the entity's current class (null when it is new) and its new class.
request := input.write if is_object(input.write)

# METADATA
# title: write.caller
# description: The caller's attributes; a missing caller holds no role.
caller := input.caller if is_object(input.caller)

else := {}

# METADATA
# title: write.current_class
# description: The entity's class before the write, null when the write creates it.
current_class := object.get(request, "current_class", null)

# METADATA
# title: write.new_class
# description: The entity's class after the write.
new_class := object.get(request, "new_class", null)

# METADATA
# title: write.text
# description: A value for a message - strings as they are, anything else (null, numbers) as JSON.
text(x) := x if is_string(x)

else := json.marshal(x)

# METADATA
# title: write.visible
# description: The classes the caller may see, from the scope policy; writes are held to the same scope as reads.
visible := scope.classes_for(caller)

# METADATA
# title: write.operations_for
# description: The write operations the caller's known roles allow.
operations_for(c) := {op |
	some r in scope.known_roles(c)
	some op in object.get(scope_cfg.roles[r], "write", [])
}

# METADATA
# title: write.roles_allowing
# description: The roles that allow an operation, for unlock hints.
roles_allowing(op) := {r |
	some r, role in scope_cfg.roles
	op in object.get(role, "write", [])
}

# METADATA
# title: write.sensitivity
# description: The rank of a class in data.json (higher is more sensitive); the order is total.
sensitivity(class) := classes[class].sensitivity

# METADATA
# title: write.lowering
# description: The new class is less sensitive than the current one.
lowering if sensitivity(new_class) < sensitivity(current_class)

# METADATA
# title: write.current_visible
# description: The entity exists and its current class is in the caller's scope.
current_visible if current_class in visible

# METADATA
# title: write.unknown_operation
# description: The operation is not a write this policy knows.
caller_deny contains reason if {
	is_object(request)
	not request.operation in cfg.operations
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Operation %s.", [text(object.get(request, "operation", null))]),
		sprintf("send write.operation as one of: %s", [lib.list(cfg.operations)]),
	)
}

# METADATA
# title: write.role_cannot_write
# description: None of the caller's roles allows this write operation.
caller_deny contains reason if {
	request.operation in cfg.operations
	not request.operation in operations_for(caller)
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Operation '%s'; roles presented: %s.", [request.operation, lib.list(object.get(caller, "roles", []))]),
		sprintf("be granted a role that may %s: %s", [request.operation, lib.list(roles_allowing(request.operation))]),
	)
}

# METADATA
# title: write.new_class_out_of_scope
# description: The class the entity would have after the write is outside the caller's scope.
caller_deny contains reason if {
	is_object(request)
	not new_class in visible
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("New class %s; the caller's classes: %s.", [text(new_class), lib.list(visible)]),
		sprintf("be granted a role (and clearance) whose scope includes class %s", [text(new_class)]),
	)
}

# METADATA
# title: write.reclassify_needs_entity
# description: Reclassify changes the class of an existing entity; there is none to change.
caller_deny contains reason if {
	request.operation == "reclassify"
	current_class == null
	reason := lib.reason(rego.metadata.rule(), "", "reclassify an existing entity; create new ones with upsertEntity")
}

# METADATA
# title: write.current_class_out_of_scope
# description: The id belongs to a record outside the caller's scope; what it holds is not shown.
entity_deny contains reason if {
	# Only when nothing else denies: a write the caller could not make to a missing id then gets exactly the same
	# answer, so the refusal tells nothing about the record beyond the id being taken.
	count(caller_deny) == 0
	current_class != null
	not current_visible
	reason := lib.reason(
		rego.metadata.rule(),
		"",
		"omit the id to create a new entity, or ask a caller whose scope covers this record",
	)
}

# METADATA
# title: write.lowering_needs_reclassify
# description: The write would lower the entity's class; only an operation that may lower classes can do that.
entity_deny contains reason if {
	current_visible
	lowering
	not request.operation in cfg.may_lower
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Class '%s' (sensitivity %d) to '%s' (sensitivity %d) by operation '%s'.", [
			current_class, sensitivity(current_class),
			new_class, sensitivity(new_class),
			request.operation,
		]),
		sprintf("use reclassifyEntity (step-up, audited) with a role that may reclassify: %s", [lib.list(roles_allowing("reclassify"))]),
	)
}

# METADATA
# title: write.deny
# description: Every reason the write is refused.
deny := caller_deny | entity_deny

# METADATA
# title: write.permitted
# description: A role allows the operation and both classes are in the caller's scope.
grant contains reason if {
	request.operation in cfg.operations
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Operation '%s' by roles %s; class %s to %s.", [
			request.operation, lib.list(scope.known_roles(caller)),
			text(current_class), text(new_class),
		]),
		null,
	)
}

# METADATA
# title: write.default_deny
# description: No write rule matched - the request named no write.
default_deny := lib.reason(
	rego.metadata.rule(),
	"",
	"send caller and write {operation, current_class, new_class}",
)

# METADATA
# title: write.lowering_flag
# description: Whether the write lowers a class the caller can see (an audited reclassify or an unmerge).
lowering_flag if {
	current_visible
	lowering
} else := false

# METADATA
# title: write.decision
# description: Entrypoint - may this write be made, and does it lower a class.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {"lowering": lowering_flag})
