# METADATA
# title: graphgate.licence
# description: >-
#   Licence and terms-of-service classes gate export by audience. A record that mixes licences takes
#   the most restrictive one; an unknown licence counts as no-export.
package graphgate.licence

import data.config.licences as cfg
import data.graphgate.lib

# METADATA
# title: licence.declared
# description: The licences declared on the record's sources.
declared := {l | some l in object.get(input, ["record", "licences"], [])}

# METADATA
# title: licence.unknown
# description: Declared licences this policy does not know.
unknown := {l | some l in declared; not l in object.keys(cfg.restrictiveness)}

# METADATA
# title: licence.rank
# description: A licence's restrictiveness; unknown licences rank as no-export.
rank(l) := cfg.restrictiveness[l] if l in object.keys(cfg.restrictiveness)

else := cfg.restrictiveness["no-export"]

# METADATA
# title: licence.effective
# description: The most restrictive declared licence decides.
effective := l if {
	count(declared) > 0
	top := max({rank(x) | some x in declared})
	some l, r in cfg.restrictiveness
	r == top
}

# METADATA
# title: licence.audience
# description: The audience the export is for.
audience := input.request.audience

# METADATA
# title: licence.mix_note
# description: Explains the most-restrictive rule when the record mixes licences.
mix_note := sprintf(" The record mixes licences %s; the most restrictive, %s, applies.", [lib.list(declared), effective]) if {
	count(declared) > 1
} else := ""

# METADATA
# title: licence.undeclared
# description: The record declares no licence, so it cannot be exported.
deny contains reason if {
	is_object(input.record)
	count(declared) == 0
	reason := lib.reason(rego.metadata.rule(), "", "record the licence or terms of service of every source on the record")
}

# METADATA
# title: licence.no_export
# description: The data's licence forbids any export.
deny contains reason if {
	effective == "no-export"
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Unknown licences (treated as no-export): %s.%s", [lib.list(unknown), mix_note]),
		cfg.unlock["no-export"],
	)
}

# METADATA
# title: licence.audience_not_permitted
# description: The data's licence does not allow export to this audience.
deny contains reason if {
	effective != "no-export"
	is_string(audience)
	not audience in cfg.audiences[effective]
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Audience '%s'; licence %s allows: %s.%s", [audience, effective, lib.list(cfg.audiences[effective]), mix_note]),
		cfg.unlock[effective],
	)
}

# METADATA
# title: licence.permits
# description: The data's licence allows export to this audience.
grant contains reason if {
	audience in cfg.audiences[effective]
	reason := lib.reason(rego.metadata.rule(), sprintf("Audience '%s'; licence %s.%s", [audience, effective, mix_note]), null)
}

# METADATA
# title: licence.default_deny
# description: No licence rule matched - the export request names no audience.
default_deny := lib.reason(
	rego.metadata.rule(),
	"",
	sprintf("set request.audience to one of: %s", [lib.list(cfg.audiences.public)]),
)

# METADATA
# title: licence.decision
# description: Entrypoint - may this record be exported to the requested audience.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {"licence": effective_or_null})

# METADATA
# title: licence.effective_or_null
# description: The effective licence for the decision, null when none is declared.
effective_or_null := x if {
	x := effective
} else := null
