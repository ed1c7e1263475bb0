# METADATA
# title: graphgate.lib
# description: Shared helpers that turn rule metadata into explain entries.
package graphgate.lib

# METADATA
# title: lib.reason
# description: One explain entry - the deciding rule, a sentence a person can read, and what would unlock the decision.
reason(meta, detail, unlock) := {
	"rule": meta.title,
	"message": trim_space(concat(" ", [meta.description, detail])),
	"unlock": unlock,
}

# METADATA
# title: lib.decision
# description: Builds the decision envelope - denies win, then grants, else the package's default deny.
decision(deny, grant, default_deny) := {"allow": false, "reasons": sort_reasons(deny)} if {
	count(deny) > 0
} else := {"allow": true, "reasons": sort_reasons(grant)} if {
	count(grant) > 0
} else := {"allow": false, "reasons": [default_deny]}

# METADATA
# title: lib.sort_reasons
# description: Orders explain entries by rule id so equal decisions serialise identically.
sort_reasons(reasons) := [r |
	some id in sort({x.rule | some x in reasons})
	some r in reasons
	r.rule == id
]

# METADATA
# title: lib.list
# description: Renders a collection as a comma-separated list for messages.
list(xs) := "none" if {
	count(xs) == 0
} else := concat(", ", sort([x | some x in xs]))
