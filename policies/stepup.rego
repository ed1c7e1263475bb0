# METADATA
# title: graphgate.stepup
# description: >-
#   Sensitive mutations need step-up authentication. How strictly is policy data, per stage and tenant
#   (config.stepup.enforcement): enforce (a grant is required), monitor (the call runs and a missing grant
#   is audited) or exempt (the call runs as an exemption). The only other way to skip step-up is an exemption
#   rule here. Every sensitive call is audited. allow means the call may run without a valid grant.
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
# title: stepup.settings
# description: The enforcement settings policy data knows; any other value enforces.
settings := {"enforce", "monitor", "exempt"}

# METADATA
# title: stepup.configured
# description: The most specific configured setting and where it came from - the tenant's override, the stage's, else the default.
configured := {"mode": m, "source": "tenant"} if {
	m := cfg.enforcement.tenants[input.tenant]
} else := {"mode": m, "source": "stage"} if {
	m := cfg.enforcement.stages[input.stage]
} else := {"mode": m, "source": "default"} if {
	m := cfg.enforcement["default"]
} else := {"mode": "enforce", "source": "built-in"}

# METADATA
# title: stepup.enforcement
# description: The setting in force; an unknown value fails closed to enforce.
enforcement := configured.mode if {
	configured.mode in settings
} else := "enforce"

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
# description: >-
#   The exemption used - the first matching rule by id, so the audit entry is deterministic, else
#   enforcement-exempt when the setting in force is exempt.
exemption := sort(matching_exemptions)[0] if {
	count(matching_exemptions) > 0
} else := "enforcement-exempt" if {
	enforcement == "exempt"
}

# METADATA
# title: stepup.enforced_detail
# description: The setting in force and where it came from, for explain messages.
enforced_detail := sprintf("Enforcement '%s' (from the %s setting).", [enforcement, configured.source])

# METADATA
# title: stepup.required
# description: This operation is sensitive and no exemption rule covers this caller, so step-up is required.
deny contains reason if {
	sensitive
	not exemption
	enforcement == "enforce"
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Operation '%s'; caller kind '%s'. %s", [object.get(operation, "name", "unnamed"), object.get(input, ["caller", "kind"], "unknown"), enforced_detail]),
		"complete a step-up challenge (WebAuthn) and retry with the step-up token",
	)
}

# METADATA
# title: stepup.monitor
# description: >-
#   Step-up is in monitor mode for this tenant or stage - the call runs without a grant, and whether it
#   brought a valid one is written to the audit ledger.
grant contains reason if {
	sensitive
	not exemption
	enforcement == "monitor"
	reason := lib.reason(rego.metadata.rule(), sprintf("Operation '%s'. %s", [object.get(operation, "name", "unnamed"), enforced_detail]), null)
}

# METADATA
# title: stepup.enforcement_exempt
# description: Policy data exempts this tenant or stage from step-up; the call runs and is audited as exempted.
grant contains reason if {
	sensitive
	exemption == "enforcement-exempt"
	reason := lib.reason(rego.metadata.rule(), sprintf("Operation '%s'. %s", [object.get(operation, "name", "unnamed"), enforced_detail]), null)
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
	"enforcement": enforcement,
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
# description: Every sensitive call is written to the audit ledger, whatever the setting and outcome.
audit if {
	sensitive
} else := false
