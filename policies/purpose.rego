# METADATA
# title: graphgate.purpose
# description: >-
#   A request declares a purpose; data may only be used for the purposes it was collected for, and
#   PII only for the purposes PII permits. Any deny - and the PII denies in particular - wins over an allow.
package graphgate.purpose

import data.config.classes
import data.config.purposes as cfg
import data.graphgate.lib
import data.graphgate.scope

# METADATA
# title: purpose.requested
# description: The purpose the request declares.
requested := input.request.purpose

# METADATA
# title: purpose.collected
# description: The purposes the record was collected for.
collected := {p | some p in object.get(input, ["record", "purposes"], [])}

# METADATA
# title: purpose.pii_classes
# description: The record's PII classes.
pii_classes := {c |
	some c in object.get(input, ["record", "classes"], [])
	classes[c].pii
}

# METADATA
# title: purpose.undeclared
# description: The request does not declare a purpose, so no use of data can be justified.
deny contains reason if {
	is_object(input.record)
	not is_string(object.get(input, ["request", "purpose"], null))
	reason := lib.reason(
		rego.metadata.rule(),
		"",
		sprintf("declare a purpose, one of: %s", [lib.list(cfg.known)]),
	)
}

# METADATA
# title: purpose.drift
# description: Purpose drift - the data was not collected for the purpose this request declares.
deny contains reason if {
	is_string(requested)
	not requested in collected
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Requested '%s'; collected for: %s.", [requested, lib.list(collected)]),
		unlock_drift,
	)
}

# METADATA
# title: purpose.unlock_drift
# description: What unlocks purpose drift - another purpose, or none when the record has no purposes at all.
unlock_drift := sprintf("request purpose %s instead", [lib.list([sprintf("'%s'", [p]) | some p in collected])]) if {
	count(collected) > 0
} else := "record a collection purpose on the data (consent or legal basis) before using it"

# METADATA
# title: purpose.pii_not_permitted
# description: PII may not be used for this purpose, whatever it was collected for.
deny contains reason if {
	is_string(requested)
	count(pii_classes) > 0
	not requested in cfg.pii_permitted
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Purpose '%s' is not permitted for PII classes %s.", [requested, lib.list(pii_classes)]),
		sprintf("request one of the PII purposes (%s), or use a view without %s", [
			lib.list(cfg.pii_permitted), lib.list(pii_classes),
		]),
	)
}

# METADATA
# title: purpose.pii_out_of_scope
# description: The caller is not cleared for the PII this record carries.
deny contains reason if {
	is_object(input.caller)
	missing := pii_classes - scope.classes_for(input.caller)
	count(missing) > 0
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Missing classes: %s.", [lib.list(missing)]),
		"hold a role that grants these classes together with the pii clearance",
	)
}

# METADATA
# title: purpose.not_in_caller_scope
# description: The caller's roles do not allow it to declare this purpose.
deny contains reason if {
	is_object(input.caller)
	is_string(requested)
	allowed := scope.purposes_for(input.caller)
	not requested in allowed
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Requested '%s'; the caller may declare: %s.", [requested, lib.list(allowed)]),
		sprintf("be granted a role whose purposes include '%s'", [requested]),
	)
}

# METADATA
# title: purpose.collected_for
# description: The data was collected for the purpose this request declares.
grant contains reason if {
	is_string(requested)
	requested in collected
	reason := lib.reason(rego.metadata.rule(), sprintf("Purpose '%s'.", [requested]), null)
}

# METADATA
# title: purpose.default_deny
# description: No purpose rule matched - the request carried no record to judge.
default_deny := lib.reason(rego.metadata.rule(), "", "send the record's classes and collection purposes as input.record")

# METADATA
# title: purpose.decision
# description: Entrypoint - may this record be used for the declared purpose.
# entrypoint: true
decision := lib.decision(deny, grant, default_deny)
