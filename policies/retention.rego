# METADATA
# title: graphgate.retention
# description: >-
#   Data classes map to retention tiers; PII caps retention at short-30d; a legal hold overrides
#   every tier and never expires by itself. allow means the record may still be kept and read.
package graphgate.retention

import data.config.classes
import data.config.retention as cfg
import data.graphgate.lib

# METADATA
# title: retention.day_ms
# description: Milliseconds in a day.
day_ms := 86400000

# METADATA
# title: retention.record_classes
# description: The data classes declared on the record.
record_classes := {c | some c in object.get(input, ["record", "classes"], [])}

# METADATA
# title: retention.held
# description: The record is under legal hold.
held if input.record.legal_hold == true

# METADATA
# title: retention.pii
# description: The record carries at least one PII class.
pii if {
	some c in record_classes
	classes[c].pii
}

# METADATA
# title: retention.class_tier
# description: A class's tier from the catalogue, or the default tier for classes the catalogue does not know.
class_tier(c) := classes[c].tier if classes[c].tier

else := cfg.default_tier

# METADATA
# title: retention.candidates
# description: Tiers that apply - one per class, plus the PII cap when the record carries PII.
candidates := {class_tier(c) | some c in record_classes} | pii_cap

# METADATA
# title: retention.pii_cap
# description: PII is never kept longer than the PII tier.
pii_cap := {cfg.pii_tier} if pii

else := set()

# METADATA
# title: retention.tier
# description: Legal hold wins; otherwise the shortest applicable tier; otherwise the default tier.
tier := "legal-hold" if held

else := shortest if {
	count(candidates) > 0
	days := min({cfg.tiers[t].days | some t in candidates})
	some shortest in candidates
	cfg.tiers[shortest].days == days
} else := cfg.default_tier

# METADATA
# title: retention.tier_source
# description: Why the tier applies, in words.
tier_source := "the record is under legal hold" if held

else := sprintf("PII caps retention at %s", [cfg.pii_tier]) if {
	pii
	tier == cfg.pii_tier
} else := sprintf("class tiers for %s", [lib.list(record_classes)]) if {
	count(record_classes) > 0
} else := "no class declared, so the default tier applies"

# METADATA
# title: retention.age_days
# description: Whole days between the record's creation and now.
age_days := floor((input.now_ms - input.record.created_at_ms) / day_ms)

# METADATA
# title: retention.expires_at_ms
# description: When the record expires; absent while held.
expires_at_ms := input.record.created_at_ms + (cfg.tiers[tier].days * day_ms) if not held

# METADATA
# title: retention.expired
# description: The record is past the end of its tier.
expired if input.now_ms > expires_at_ms

# METADATA
# title: retention.expired
# description: The record is past its retention period and must be removed or tombstoned.
deny contains reason if {
	expired
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Tier %s keeps data %d days (%s); this record is %d days old.", [
			tier, cfg.tiers[tier].days, tier_source, age_days,
		]),
		"place the record under legal hold before the sweep removes it, or collect it again",
	)
}

# METADATA
# title: retention.legal_hold
# description: The record is under legal hold, which overrides every tier and never expires by itself.
grant contains reason if {
	held
	reason := lib.reason(rego.metadata.rule(), "Only releasing the hold restarts the normal tier.", null)
}

# METADATA
# title: retention.within_tier
# description: The record is inside its retention period.
grant contains reason if {
	not held
	not expired
	input.now_ms >= 0
	reason := lib.reason(
		rego.metadata.rule(),
		sprintf("Tier %s (%s); %d of %d days used.", [tier, tier_source, age_days, cfg.tiers[tier].days]),
		null,
	)
}

# METADATA
# title: retention.default_deny
# description: No retention rule matched - the record has no creation time or the request has no clock.
default_deny := lib.reason(
	rego.metadata.rule(),
	"",
	"send record.created_at_ms and now_ms (epoch milliseconds), or place the record under legal hold",
)

# METADATA
# title: retention.decision
# description: Entrypoint - may this record still be kept and read, under which tier, until when.
# entrypoint: true
decision := object.union(lib.decision(deny, grant, default_deny), {
	"tier": tier,
	"held": held_flag,
	"expires_at_ms": expires_at,
})

# METADATA
# title: retention.held_flag
# description: The legal-hold state as a boolean for the decision.
held_flag if held

else := false

# METADATA
# title: retention.expires_at
# description: The expiry for the decision - null when held or when the creation time is unknown.
expires_at := x if {
	x := expires_at_ms
} else := null
