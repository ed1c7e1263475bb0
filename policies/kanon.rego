# METADATA
# title: graphgate.kanon
# description: >-
#   k-anonymity for natural-language-query exports. The plan names k and the quasi-identifiers with
#   their generalisation ladders; the decision judges the group sizes the caller computed at one
#   generalisation level - groups smaller than k are suppressed, within a suppression budget.
package graphgate.kanon

import data.config.kanonymity as cfg
import data.graphgate.lib

# METADATA
# title: kanon.required
# description: k-anonymity applies to this kind of export.
required if input.request.kind in cfg.kinds

# METADATA
# title: kanon.k
# description: The request may raise k but never lower it below the policy floor.
k := max([cfg.k, input.request.k]) if is_number(input.request.k)

else := cfg.k

# METADATA
# title: kanon.quasi_identifiers
# description: The declared quasi-identifiers, or the policy's defaults when the request declares none.
quasi_identifiers := sort(input.request.quasi_identifiers) if {
	is_array(input.request.quasi_identifiers)
	count(input.request.quasi_identifiers) > 0
} else := sort(cfg.default_quasi_identifiers)

# METADATA
# title: kanon.ladder
# description: A quasi-identifier's generalisation ladder; unknown ones are masked outright.
ladder(field) := cfg.ladders[field] if cfg.ladders[field]

else := [{"mask": true}]

# METADATA
# title: kanon.plan_reason
# description: k-anonymity is required for this export; generalise these quasi-identifiers, then suppress groups smaller than k.
plan_reasons contains reason if {
	required
	reason := lib.reason(
		rego.metadata.rule(), sprintf("Export kind '%s'; k=%d; quasi-identifiers %s.", [
			input.request.kind, k, lib.list(quasi_identifiers),
		]),
		null,
	)
}

# METADATA
# title: kanon.not_required
# description: k-anonymity does not apply to this kind of export.
plan_reasons contains reason if {
	not required
	reason := lib.reason(
		rego.metadata.rule(), sprintf("Export kind '%s'; applies to: %s.", [
			object.get(input, ["request", "kind"], "none"), lib.list(cfg.kinds),
		]),
		null,
	)
}

# METADATA
# title: kanon.plan
# description: Entrypoint - what k-anonymity this export needs.
# entrypoint: true
plan := {
	"allow": true,
	"reasons": lib.sort_reasons(plan_reasons),
	"required": required_flag,
	"k": k,
	"max_suppression_ratio": cfg.max_suppression_ratio,
	"quasi_identifiers": [{"field": f, "ladder": ladder(f)} | some f in quasi_identifiers],
}

# METADATA
# title: kanon.required_flag
# description: required as a boolean.
required_flag if required

else := false

# METADATA
# title: kanon.total
# description: Rows in the result at this level.
total := sum([g.size | some g in input.groups])

# METADATA
# title: kanon.small_groups
# description: Groups with fewer than k rows.
small_groups := {g.key | some g in input.groups; g.size < k}

# METADATA
# title: kanon.suppressed_rows
# description: Rows that suppressing the small groups would remove.
suppressed_rows := sum([g.size | some g in input.groups; g.size < k])

# METADATA
# title: kanon.budget
# description: The most rows that may be suppressed.
budget := floor(cfg.max_suppression_ratio * total)

# METADATA
# title: kanon.level_note
# description: Where in the generalisation ladder the group sizes come from.
level_note := sprintf("generalisation level %d of %d", [input.level, input.max_level]) if {
	is_number(input.level)
	is_number(input.max_level)
} else := "the given generalisation level"

# METADATA
# title: kanon.too_few_records
# description: The result has fewer records than k, so no grouping can make it anonymous.
deny contains reason if {
	required
	is_array(input.groups)
	total < k
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("%d records; k=%d.", [total, k]),
		sprintf("broaden the query so that at least %d records match", [k]),
	)
}

# METADATA
# title: kanon.suppression_over_budget
# description: Too many rows sit in groups smaller than k to suppress them.
deny contains reason if {
	required
	total >= k
	suppressed_rows > budget
	reason := lib.reason(
		rego.metadata.rule(), sprintf(
			"At %s, %d groups smaller than k=%d hold %d of %d rows; at most %d may be suppressed.",
			[level_note, count(small_groups), k, suppressed_rows, total, budget],
		),
		"generalise the quasi-identifiers one level further, or broaden the query",
	)
}

# METADATA
# title: kanon.satisfied
# description: Every group has at least k rows.
grant contains reason if {
	required
	total >= k
	count(small_groups) == 0
	reason := lib.reason(rego.metadata.rule(), sprintf("At %s; k=%d.", [level_note, k]), null)
}

# METADATA
# title: kanon.suppressed_within_budget
# description: Groups smaller than k are suppressed; the rows removed stay within the suppression budget.
grant contains reason if {
	required
	total >= k
	count(small_groups) > 0
	suppressed_rows <= budget
	reason := lib.reason(
		rego.metadata.rule(), sprintf(
			"At %s, %d groups smaller than k=%d (%d of %d rows) are suppressed; budget %d.",
			[level_note, count(small_groups), k, suppressed_rows, total, budget],
		),
		null,
	)
}

# METADATA
# title: kanon.not_required
# description: k-anonymity does not apply to this kind of export.
grant contains reason if {
	not required
	reason := lib.reason(rego.metadata.rule(), "", null)
}

# METADATA
# title: kanon.default_deny
# description: No k-anonymity rule matched - the request sent no group sizes.
default_deny := lib.reason(rego.metadata.rule(), "", "send input.groups as [{key, size}] for one generalisation level")

# METADATA
# title: kanon.decision
# description: Entrypoint - are these group sizes releasable, and which groups must be suppressed.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {
	"k": k,
	"small_groups": sort(small_groups_or_empty),
	"suppressed_rows": suppressed_or_zero,
})

# METADATA
# title: kanon.small_groups_or_empty
# description: small_groups, or none without group input.
small_groups_or_empty := small_groups if is_array(input.groups)

else := set()

# METADATA
# title: kanon.suppressed_or_zero
# description: suppressed_rows, or zero without group input.
suppressed_or_zero := suppressed_rows if is_array(input.groups)

else := 0
