# METADATA
# title: graphgate.stepup
# description: >-
#   Sensitive mutations need step-up authentication. The only way to skip it is an exemption rule
#   here, and every use of an exemption is marked for the audit ledger. allow means step-up may be skipped.
package graphgate.stepup

import data.config.stepup as cfg
import data.graphgate.lib

# METADATA
# title: stepup.operation
# description: The operation the caller wants to run.
operation := input.request.operation

# METADATA
# title: stepup.sensitive
# description: The operation is marked @sensitive in the manifest (an unknown flag counts as sensitive).
sensitive if {
	is_object(operation)
	not operation.sensitive == false
}

# METADATA
# title: stepup.matching_exemptions
# description: Exemptions whose caller kind, service and operation all match.
matching_exemptions := {e.id |
	some e in cfg.exemptions
	input.caller.kind == e.caller_kind
	input.caller.service in e.services
	operation.name in e.operations
}

# METADATA
# title: stepup.exemption
# description: The exemption used - the first by id, so the audit entry is deterministic.
exemption := sort(matching_exemptions)[0] if count(matching_exemptions) > 0

# METADATA
# title: stepup.required
# description: This operation is sensitive and no exemption rule covers this caller, so step-up is required.
deny contains reason if {
	sensitive
	not exemption
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Operation '%s'; caller kind '%s'.", [object.get(operation, "name", "unnamed"), object.get(input, ["caller", "kind"], "unknown")]),
		"complete a step-up challenge (WebAuthn) and retry with the step-up token",
	)
}

# METADATA
# title: stepup.not_sensitive
# description: The operation is not sensitive, so no step-up is needed.
grant contains reason if {
	is_string(operation.name)
	not sensitive
	reason := lib.reason(rego.metadata.rule(), sprintf("Operation '%s'.", [operation.name]), null)
}

# METADATA
# title: stepup.exemption
# description: An exemption rule lets this caller skip step-up on this sensitive operation; the use is audited.
grant contains reason if {
	sensitive
	some e in cfg.exemptions
	e.id == exemption
	reason := lib.reason(rego.metadata.rule(), sprintf("Exemption '%s': %s.", [e.id, e.description]), null)
}

# METADATA
# title: stepup.default_deny
# description: No step-up rule matched - the request names no operation.
default_deny := lib.reason(rego.metadata.rule(), "", "send request.operation with its name and sensitive flag")

# METADATA
# title: stepup.decision
# description: Entrypoint - may step-up be skipped, and must the skip be audited.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {
	"exemption": exemption_or_null,
	"audit": audit,
})

# METADATA
# title: stepup.exemption_or_null
# description: The exemption id for the decision, null when none applies.
exemption_or_null := exemption if {
	sensitive
	exemption
} else := null

# METADATA
# title: stepup.audit
# description: Using an exemption must be written to the audit ledger.
audit if {
	sensitive
	exemption
} else := false
