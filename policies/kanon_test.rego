package graphgate.kanon_test

import data.graphgate.kanon

nlq := {"kind": "nlq"}

groups(sizes) := [{"key": sprintf("g%d", [i]), "size": s} | some i, s in sizes]

rules(d) := {r.rule | some r in d.reasons}

plan(request) := p if {
	p := kanon.plan with input as {"request": request}
}

test_default_k_is_5 if {
	plan(nlq).k == 5
}

test_request_may_raise_but_not_lower_k if {
	plan({"kind": "nlq", "k": 2}).k == 5
	plan({"kind": "nlq", "k": 9}).k == 9
}

test_declared_quasi_identifiers_with_ladders if {
	p := kanon.plan with input as {"request": {"kind": "nlq", "quasi_identifiers": ["postcode", "shoe_size"]}}
	[q.field | some q in p.quasi_identifiers] == ["postcode", "shoe_size"]
	p.quasi_identifiers[1].ladder == [{"mask": true}]
}

test_all_groups_large_enough if {
	d := kanon.decision with input as {"request": nlq, "groups": groups([5, 7, 30])}
	d.allow
	d.small_groups == []
	rules(d) == {"kanon.satisfied"}
}

test_too_small_groups_suppressed_within_budget if {
	# 60 rows, budget 6; groups of 2 and 3 are suppressed
	d := kanon.decision with input as {"request": nlq, "groups": groups([30, 25, 2, 3])}
	d.allow
	d.small_groups == ["g2", "g3"]
	d.suppressed_rows == 5
	rules(d) == {"kanon.suppressed_within_budget"}
}

test_too_small_groups_over_budget_denied if {
	d := kanon.decision with input as {"request": nlq, "groups": groups([10, 4, 4, 4]), "level": 0, "max_level": 4}
	not d.allow
	d.suppressed_rows == 12
	rules(d) == {"kanon.suppression_over_budget"}
	contains(d.reasons[0].message, "level 0 of 4")
}

test_fewer_records_than_k if {
	d := kanon.decision with input as {"request": nlq, "groups": groups([4])}
	rules(d) == {"kanon.too_few_records"}
}

test_empty_result_is_denied if {
	d := kanon.decision with input as {"request": nlq, "groups": []}
	rules(d) == {"kanon.too_few_records"}
}

test_not_required_for_other_kinds if {
	d := kanon.decision with input as {"request": {"kind": "bulk"}, "groups": groups([1])}
	d.allow
	rules(d) == {"kanon.not_required"}
}

test_default_deny_without_groups if {
	d := kanon.decision with input as {"request": nlq}
	rules(d) == {"kanon.default_deny"}
}
