//! The sandbox's ground truth: calls generated deterministically from a seed, vendor-neutral.
//! Each vendor module renders them in its own wire format and states what a correct client
//! should make of them (`expected`), so tests compare against this, not against our parser.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::call::{Direction, Status};

/// SplitMix64: tiny, fast and the same on every platform and crate version.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

pub struct Agent {
    pub id: u32,
    pub name: &'static str,
    pub line: &'static str,
}

pub struct Campaign {
    pub id: u32,
    pub name: &'static str,
}

pub const AGENTS: [Agent; 5] = [
    Agent {
        id: 11,
        name: "Sales Assistant",
        line: "+4930123456",
    },
    Agent {
        id: 12,
        name: "Support Assistant",
        line: "+4930123457",
    },
    Agent {
        id: 13,
        name: "Anna Schmidt",
        line: "+4930123458",
    },
    Agent {
        id: 14,
        name: "João Silva",
        line: "+4930123459",
    },
    Agent {
        id: 15,
        name: "Night Line",
        line: "+4930123460",
    },
];

pub const CAMPAIGNS: [Campaign; 3] = [
    Campaign {
        id: 376,
        name: "Neukundenakquise Q1",
    },
    Campaign {
        id: 377,
        name: "Winback 2025",
    },
    Campaign {
        id: 378,
        // Vendor data is not to be trusted as a file name.
        name: "Webinar ../../follow-up",
    },
];

const PHRASES: [&str; 8] = [
    "Hallo, hier ist der Assistent von Acme.",
    "Guten Tag, ich habe eine Frage zu meiner Rechnung.",
    "Gerne helfe ich Ihnen dabei.",
    "Können Sie mir die Kundennummer nennen?",
    "Ja, einen Moment bitte.",
    "Vielen Dank, das hat mir geholfen.",
    "Ich rufe wegen des Angebots an.",
    "Auf Wiederhören!",
];

/// One call as it really happened.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthCall {
    /// The call's number (its time slot; see `World::generate`), from which ids are made.
    pub seq: u32,
    pub started_at: DateTime<Utc>,
    pub direction: Direction,
    pub status: Status,
    /// Seconds ringing before the call was answered (or given up).
    pub ring: u32,
    /// Seconds talking.
    pub talk: u32,
    /// The customer's national number, without country code.
    pub customer: u64,
    pub agent: usize,
    pub campaign: Option<usize>,
    pub recording: bool,
    /// Cost in 1/10000 of the currency unit.
    pub cost: u32,
    /// What a myCRM bulk PATCH set on it.
    pub assigned: Assigned,
}

/// Assignments made through the sandbox's myCRM `PATCH /calltrackings`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assigned {
    pub user: Option<u64>,
    pub property: Option<u64>,
    pub lead: Option<u64>,
    pub seen: bool,
}

impl TruthCall {
    pub fn duration(&self) -> u32 {
        self.ring + self.talk
    }
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        (self.status != Status::InProgress)
            .then(|| self.started_at + Duration::seconds(self.duration() as i64))
    }
    pub fn agent(&self) -> &'static Agent {
        &AGENTS[self.agent]
    }
    pub fn campaign(&self) -> Option<&'static Campaign> {
        self.campaign.map(|c| &CAMPAIGNS[c])
    }
    /// `+49 151 ...` style number with a country code.
    pub fn customer_e164(&self) -> String {
        format!("+49{}", self.customer)
    }
    /// A few transcript lines: (sender, text).
    pub fn transcript(&self) -> Vec<(&'static str, &'static str)> {
        if !matches!(self.status, Status::Answered) {
            return Vec::new();
        }
        let mut rng = Rng::new(self.seq as u64 * 7919);
        let n = rng.range(2, 6) as usize;
        (0..n)
            .map(|i| {
                (
                    if i % 2 == 0 { "bot" } else { "human" },
                    PHRASES[rng.below(PHRASES.len() as u64) as usize],
                )
            })
            .collect()
    }
    pub fn cost_decimal(&self, places: usize) -> String {
        let units = self.cost as f64 / 10_000.0;
        format!("{units:.places$}")
    }
}

/// What a vendor's data may contain.
pub struct Shape {
    pub directions: &'static [Direction],
    pub statuses: &'static [(Status, u32)],
}

/// Every call of one vendor, oldest first.
pub struct World {
    pub calls: Vec<TruthCall>,
    pub until: DateTime<Utc>,
    seed: u64,
    /// Seconds per slot (one call each).
    slot: i64,
    /// The newest slot generated.
    last: i64,
    shape: &'static Shape,
}

/// Calls added by tests are numbered from here, apart from the slots' numbers.
const ADDED: u32 = 1 << 31;

impl World {
    /// `n` calls over the 90 days before `until`, the same for the same seed.
    ///
    /// Time is cut into `n` slots of 90 days / `n` each, counted from the Unix epoch, and each
    /// slot that ended by `until` holds one call drawn from the seed and the slot's number (its
    /// `seq`, hence its id). So a call is the same in every world that contains it: a sandbox
    /// started later has the same past plus the calls that have "arrived" since, and
    /// `calls --sandbox export --since-last` can be rehearsed run after run.
    pub fn generate(seed: u64, n: usize, until: DateTime<Utc>, shape: &'static Shape) -> World {
        let span: i64 = 90 * 24 * 3600;
        let slot = (span / n.max(1) as i64).max(1);
        let last = until.timestamp().div_euclid(slot) - 1;
        let mut world = World {
            calls: Vec::with_capacity(n),
            until,
            seed,
            slot,
            last: last - n as i64,
            shape,
        };
        world.fill(last);
        world
    }

    /// True when a slot has ended since the newest call: `grow` would add calls.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        now.timestamp().div_euclid(self.slot) - 1 > self.last
    }

    /// Adds the calls of the slots that have ended by `now`: a sandbox that keeps serving sees
    /// calls arrive, as a vendor's API would.
    pub fn grow(&mut self, now: DateTime<Utc>) {
        if self.due(now) {
            self.fill(now.timestamp().div_euclid(self.slot) - 1);
            self.until = now;
            self.calls.sort_by_key(|c| (c.started_at, c.seq));
        }
    }

    /// Generates the calls of slots `self.last + 1 ..= last`.
    fn fill(&mut self, last: i64) {
        let shape = self.shape;
        let weight: u32 = shape.statuses.iter().map(|(_, w)| w).sum();
        for s in self.last + 1..=last {
            let mut rng = Rng::new(self.seed ^ (s as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
            let started = s * self.slot + rng.below(self.slot as u64) as i64;
            let mut roll = rng.below(weight as u64) as u32;
            let status = shape
                .statuses
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or(Status::Answered, |(s, _)| *s);
            let direction = shape.directions[rng.below(shape.directions.len() as u64) as usize];
            let (ring, talk) = match status {
                Status::Answered => (rng.range(2, 25) as u32, rng.range(15, 900) as u32),
                Status::Voicemail => (rng.range(20, 30) as u32, rng.range(8, 60) as u32),
                Status::Missed | Status::Canceled => (rng.range(5, 45) as u32, 0),
                Status::InProgress => (rng.range(2, 10) as u32, rng.range(1, 120) as u32),
                _ => (0, 0),
            };
            self.calls.push(TruthCall {
                seq: s as u32,
                started_at: DateTime::from_timestamp(started, 0).expect("in range"),
                direction,
                status,
                ring,
                talk,
                customer: 15_100_000_000 + rng.below(99_999_999),
                agent: rng.below(AGENTS.len() as u64) as usize,
                campaign: (direction == Direction::Outbound || rng.chance(0.3))
                    .then(|| rng.below(CAMPAIGNS.len() as u64) as usize),
                recording: talk > 0 && rng.chance(0.8),
                cost: (ring + talk) * 7 + rng.below(50) as u32,
                assigned: Assigned::default(),
            });
        }
        self.last = self.last.max(last);
    }

    /// Adds `n` calls started in `[from, to)`, numbered apart from the slots' calls (so that
    /// `grow` never repeats a number), keeping the time order.
    pub fn add(
        &mut self,
        seed: u64,
        n: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        shape: &'static Shape,
    ) {
        let span = (to - from).num_seconds().max(1);
        let extra = World::generate(seed, n, from + Duration::seconds(span), shape);
        let first = self
            .calls
            .iter()
            .map(|c| c.seq)
            .filter(|&s| s >= ADDED)
            .max()
            .map_or(ADDED, |m| m + 1);
        for (k, mut call) in extra.calls.into_iter().enumerate() {
            // `generate` spreads calls over 90 days; squeeze them into the asked span.
            let back = (extra.until - call.started_at).num_seconds() % span;
            call.started_at = from + Duration::seconds(span - 1 - back);
            call.seq = first + k as u32;
            self.calls.push(call);
        }
        self.calls.sort_by_key(|c| (c.started_at, c.seq));
    }

    /// A call by its number (ids are built from it).
    pub fn by_seq(&self, seq: u64) -> Option<&TruthCall> {
        let seq = u32::try_from(seq).ok()?;
        self.calls.iter().find(|c| c.seq == seq)
    }

    /// The calls that started on the days `first..=last` of `tz`, by binary search.
    pub fn days(&self, first: NaiveDate, last: NaiveDate, tz: Tz) -> &[TruthCall] {
        let end = last.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, |d| {
            crate::when::start_of_day(d, tz)
        });
        self.between(crate::when::start_of_day(first, tz), end)
    }

    /// The calls that started in `[from, to)`, by binary search on the time order.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[TruthCall] {
        let lo = self.calls.partition_point(|c| c.started_at < from);
        let hi = self.calls.partition_point(|c| c.started_at < to);
        &self.calls[lo..hi.max(lo)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: Shape = Shape {
        directions: &[Direction::Inbound, Direction::Outbound],
        statuses: &[(Status::Answered, 3), (Status::Missed, 1)],
    };

    #[test]
    fn same_seed_same_world() {
        let until = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = World::generate(7, 300, until, &SHAPE);
        let b = World::generate(7, 300, until, &SHAPE);
        assert_eq!(a.calls, b.calls);
        assert!(a
            .calls
            .windows(2)
            .all(|w| w[0].started_at <= w[1].started_at));
        assert!(a
            .calls
            .iter()
            .all(|c| c.started_at < until && c.started_at >= until - Duration::days(90)));
        assert!(a.calls.iter().any(|c| c.status == Status::Missed));
        assert_ne!(World::generate(8, 300, until, &SHAPE).calls, a.calls);
    }

    /// A world generated a day later has the same past: the calls they share are identical, and
    /// the later one has the calls of that day on top.
    #[test]
    fn a_later_world_keeps_the_past() {
        let until = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = World::generate(7, 300, until, &SHAPE);
        let b = World::generate(7, 300, until + Duration::days(1), &SHAPE);
        assert_eq!((a.calls.len(), b.calls.len()), (300, 300));
        let shared: Vec<&TruthCall> = a
            .calls
            .iter()
            .filter(|c| c.started_at >= b.calls[0].started_at)
            .collect();
        assert!(shared.len() > 290);
        assert_eq!(
            shared,
            b.calls.iter().take(shared.len()).collect::<Vec<_>>()
        );
        // A world that keeps serving grows into the same calls.
        let mut grown = World::generate(7, 300, until, &SHAPE);
        assert!(!grown.due(until) && grown.due(until + Duration::days(1)));
        grown.grow(until + Duration::days(1));
        assert_eq!(grown.calls[grown.calls.len() - 300..], b.calls[..]);
        let newest = a.calls.last().unwrap();
        assert!(b.calls[shared.len()..]
            .iter()
            .all(|c| c.seq > newest.seq && c.started_at > newest.started_at));
    }
}
