# METADATA
# title: graphgate.scope
# description: >-
#   From a caller's attributes, the data classes and purposes it may see. The result is sorted and
#   deterministic so the edge can reduce it to a stable fingerprint for the cache key.
package graphgate.scope

import data.config.scope as cfg
import data.graphgate.lib

# METADATA
# title: scope.known_roles
# description: The caller's roles that the policy knows about; unknown roles grant nothing.
known_roles(caller) := {r |
	some r in object.get(caller, "roles", [])
	cfg.roles[r]
}

# METADATA
# title: scope.clearances
# description: The caller's clearances that the policy knows about.
clearances(caller) := {c |
	some c in object.get(caller, "clearances", [])
	cfg.clearance_classes[c]
}

# METADATA
# title: scope.gated_classes
# description: Classes that a role alone never grants - they also need a matching clearance.
gated_classes := {c |
	some classes in cfg.clearance_classes
	some c in classes
}

# METADATA
# title: scope.classes_for
# description: Classes a caller may see - granted by a role and, when clearance-gated, also by a clearance.
classes_for(caller) := {c |
	some r in known_roles(caller)
	some c in cfg.roles[r].classes
	cleared(caller, c)
}

# METADATA
# title: scope.cleared
# description: A class that is not clearance-gated is cleared for every caller.
cleared(_, class) if not class in gated_classes

# METADATA
# title: scope.cleared
# description: A clearance-gated class is cleared when the caller holds a clearance that lists it.
cleared(caller, class) if {
	some cl in clearances(caller)
	class in cfg.clearance_classes[cl]
}

# METADATA
# title: scope.purposes_for
# description: Purposes a caller may declare - the union over its known roles.
purposes_for(caller) := {p |
	some r in known_roles(caller)
	some p in cfg.roles[r].purposes
}

# METADATA
# title: scope.no_known_role
# description: The caller holds no role that this policy knows, so it may see no data.
deny contains reason if {
	count(known_roles(input.caller)) == 0
	roles := object.get(input.caller, "roles", [])
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Roles presented: %s.", [lib.list(roles)]),
		sprintf("be granted one of the roles: %s", [lib.list(object.keys(cfg.roles))]),
	)
}

# METADATA
# title: scope.granted
# description: The caller's roles and clearances grant it a set of data classes and purposes.
grant contains reason if {
	count(known_roles(input.caller)) > 0
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Roles %s; clearances %s; classes %s; purposes %s.", [
			lib.list(known_roles(input.caller)),
			lib.list(clearances(input.caller)),
			lib.list(classes_for(input.caller)),
			lib.list(purposes_for(input.caller)),
		]),
		null,
	)
}

# METADATA
# title: scope.default_deny
# description: No scope rule matched - the request carried no caller attributes.
default_deny := lib.reason(rego.metadata.rule(), "", "send the caller's roles and clearances as input.caller")

# METADATA
# title: scope.decision
# description: Entrypoint - the scope decision with sorted classes and purposes.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {
	"classes": sort(classes_for(input.caller)),
	"purposes": sort(purposes_for(input.caller)),
}) if {
	is_object(input.caller)
} else := object.union(lib.decision(set(), set(), default_deny), {"classes": [], "purposes": []})
