# METADATA
# title: graphgate.export
# description: >-
#   One record in an export - purpose, licence and retention must all allow it; fields are redacted
#   by class for the audience and the caller's scope. Dataset-level k-anonymity lives in graphgate.kanon.
package graphgate.export

import data.config.classes
import data.graphgate.lib
import data.graphgate.licence
import data.graphgate.purpose
import data.graphgate.retention
import data.graphgate.scope

# METADATA
# title: export.upstream_denies
# description: Denies from the purpose, licence and retention policies; any one blocks the record.
deny contains reason if {
	some reason in ((purpose.deny | licence.deny) | retention.deny)
}

# METADATA
# title: export.upstream_default_deny
# description: A policy the export depends on fell through to its default deny.
deny contains reason if {
	some d in [purpose.decision, licence.decision, retention.decision]
	not d.allow
	some reason in d.reasons
	endswith(reason.rule, ".default_deny")
}

# METADATA
# title: export.permitted
# description: Purpose, licence and retention all allow this record to be exported.
grant contains reason if {
	purpose.decision.allow
	licence.decision.allow
	retention.decision.allow
	reason := lib.reason(
		rego.metadata.rule(), sprintf("Purpose '%s', audience '%s', licence %s, tier %s.", [
			input.request.purpose, input.request.audience, licence.effective, retention.tier,
		]),
		null,
	)
}

# METADATA
# title: export.caller_classes
# description: Classes the caller may see; without caller attributes, none.
caller_classes := scope.classes_for(input.caller) if is_object(input.caller)

else := set()

# METADATA
# title: export.redact_for_audience
# description: The field's class is redacted for this audience.
redactions contains r if {
	some field, class in object.get(input, ["record", "fields"], {})
	input.request.audience in object.get(classes, [class, "redact_for"], [])
	r := {"field": field, "class": class, "rule": "export.redact_for_audience", "message": sprintf(
		"Field '%s' (class %s) is redacted for audience '%s'.",
		[field, class, input.request.audience],
	)}
}

# METADATA
# title: export.redact_out_of_scope
# description: The field's class is outside the caller's scope.
redactions contains r if {
	some field, class in object.get(input, ["record", "fields"], {})
	not input.request.audience in object.get(classes, [class, "redact_for"], [])
	not class in caller_classes
	r := {"field": field, "class": class, "rule": "export.redact_out_of_scope", "message": sprintf(
		"Field '%s' (class %s) is outside the caller's scope.",
		[field, class],
	)}
}

# METADATA
# title: export.default_deny
# description: No export rule matched.
default_deny := lib.reason(rego.metadata.rule(), "", "send caller, request (purpose, audience) and record")

# METADATA
# title: export.decision
# description: Entrypoint - may this record be exported, and which fields must be redacted.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {
	"redact": sort({r.field | some r in redactions}),
	"redactions": [r | some f in sort({x.field | some x in redactions}); some r in redactions; r.field == f],
})
