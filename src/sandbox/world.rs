//! The sandbox's ground truth: calls generated deterministically from a seed, vendor-neutral.
//! Each vendor module renders them in its own wire format and states what a correct client
//! should make of them (`expected`), so tests compare against this, not against our parser.
//! A few calls change after they are first served ([`Change`]): the world holds each call as it
//! stands at its clock (`until`), which [`World::advance`] moves on.

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
    /// When the vendor last wrote the record: when the call arrived (its slot ended), or when
    /// it changed since (a [`Change`], a test's edit, an assignment). Vendors with a
    /// modification time (Callcap `last_modified`, Famulor `updated_at`, myCRM `updated_at`)
    /// show this.
    pub modified_at: DateTime<Utc>,
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
    /// A Brazilian mobile as Evolux serves it (`11912345678`: area code, nine digits, no trunk
    /// prefix), made of the customer's last eight digits.
    pub fn customer_br(&self) -> String {
        format!("119{:08}", self.customer % 100_000_000)
    }
    /// A US number as Callcap serves it (`316-555-3333`), made of the customer's last digits.
    pub fn customer_us(&self) -> String {
        let v = self.customer % 100_000_000;
        format!("316-{}-{:04}", 200 + (v / 10_000) % 800, v % 10_000)
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

/// How long after it started a call may still change: older calls are settled, so that a
/// re-read of the last day (sync's `--revisit`) sees every change.
pub const SETTLE: Duration = Duration::hours(2);

/// What changed when a vendor changed a call after first serving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It was served in progress and has ended: its end time and duration (and its recording)
    /// appear, its status becomes the final one.
    Finished,
    /// Its status was corrected: missed to answered, or answered to voicemail.
    Corrected,
    /// Its recording appeared (it was served without one).
    Recording,
}

/// The fields a change sets.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fields {
    status: Status,
    ring: u32,
    talk: u32,
    recording: bool,
}

impl Fields {
    fn of(t: &TruthCall) -> Fields {
        Fields {
            status: t.status,
            ring: t.ring,
            talk: t.talk,
            recording: t.recording,
        }
    }
    fn set(self, t: &mut TruthCall) {
        (t.status, t.ring, t.talk, t.recording) =
            (self.status, self.ring, self.talk, self.recording);
    }
}

/// A change the vendor makes to a call after first serving it, at `at`: drawn from the seed
/// and the call's slot, so every world of a seed makes the same changes at the same times.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The call's number.
    pub seq: u32,
    pub started_at: DateTime<Utc>,
    /// When the vendor changes the record: after the call arrived, at most [`SETTLE`] after
    /// it started.
    pub at: DateTime<Utc>,
    pub kind: ChangeKind,
    /// The call's fields from `at` on; before, the world holds what was first served.
    after: Fields,
}

/// What a vendor's data may contain.
pub struct Shape {
    pub directions: &'static [Direction],
    pub statuses: &'static [(Status, u32)],
}

/// Every call of one vendor, oldest first.
pub struct World {
    pub calls: Vec<TruthCall>,
    /// The world's time: calls arrived and changes made up to here.
    pub until: DateTime<Utc>,
    seed: u64,
    /// The share of calls that change after they are first served.
    rate: f64,
    /// Every change of the world's calls, in time order: made (`..made`), then to come.
    changes: Vec<Change>,
    made: usize,
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
    ///
    /// A share `rate` of the calls change after they arrive ([`Change`]): the world holds each
    /// as it stands at `until`, and [`World::advance`] makes the changes whose time has come.
    pub fn generate(
        seed: u64,
        n: usize,
        until: DateTime<Utc>,
        shape: &'static Shape,
        rate: f64,
    ) -> World {
        let span: i64 = 90 * 24 * 3600;
        let slot = (span / n.max(1) as i64).max(1);
        let last = until.timestamp().div_euclid(slot) - 1;
        let mut world = World {
            calls: Vec::with_capacity(n),
            until,
            seed,
            rate,
            changes: Vec::new(),
            made: 0,
            slot,
            last: last - n as i64,
            shape,
        };
        world.fill(last);
        world.make_changes(until);
        world
    }

    /// True when a slot has ended since the newest call: `grow` would add calls.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        now.timestamp().div_euclid(self.slot) - 1 > self.last
    }

    /// True when `advance(now)` would add or change calls.
    pub fn behind(&self, now: DateTime<Utc>) -> bool {
        self.due(now) || self.changes.get(self.made).is_some_and(|c| c.at <= now)
    }

    /// Adds the calls of the slots that have ended by `now`: a sandbox that keeps serving sees
    /// calls arrive, as a vendor's API would.
    pub fn grow(&mut self, now: DateTime<Utc>) {
        if self.due(now) {
            self.fill(now.timestamp().div_euclid(self.slot) - 1);
            self.until = self.until.max(now);
            self.calls.sort_by_key(|c| (c.started_at, c.seq));
        }
    }

    /// Moves the world to `now`: the calls that have arrived since, and the changes due by
    /// then. The same as a world generated at `now`.
    pub fn advance(&mut self, now: DateTime<Utc>) {
        self.grow(now);
        self.make_changes(now);
        self.until = self.until.max(now);
    }

    /// Every change of the world's calls in time order, made or to come (see [`Change::at`]).
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The seconds of one slot: a call arrives when its slot ends.
    pub fn slot(&self) -> Duration {
        Duration::seconds(self.slot)
    }

    /// Makes the changes due by `now`.
    fn make_changes(&mut self, now: DateTime<Utc>) {
        while let Some(change) = self.changes.get(self.made).filter(|c| c.at <= now) {
            let (seq, at, after) = (change.seq, change.at, change.after);
            // A call deleted since has nothing to change.
            if let Some(call) = self.find_mut(seq, change.started_at) {
                after.set(call);
                call.modified_at = at;
            }
            self.made += 1;
        }
    }

    /// A call by its number and start, by binary search.
    fn find_mut(&mut self, seq: u32, started_at: DateTime<Utc>) -> Option<&mut TruthCall> {
        let from = self.calls.partition_point(|c| c.started_at < started_at);
        self.calls[from..]
            .iter_mut()
            .take_while(|c| c.started_at == started_at)
            .find(|c| c.seq == seq)
    }

    /// Changes a call by hand (a test, an assignment): its change to come, if any, is dropped,
    /// so that it does not undo the edit.
    pub fn edit(&mut self, seq: u32, edit: impl FnOnce(&mut TruthCall)) -> bool {
        let now = self.until;
        let Some(call) = self.calls.iter_mut().find(|c| c.seq == seq) else {
            return false;
        };
        edit(call);
        call.modified_at = call.modified_at.max(now);
        let to_come = self.changes.split_off(self.made);
        self.changes
            .extend(to_come.into_iter().filter(|c| c.seq != seq));
        true
    }

    /// Deletes a call, as the vendor's own delete does: no API of the vendor lists it or
    /// answers for its id any more, and a change of the sandbox's own to come is dropped.
    /// The call, for [`World::restore`].
    pub fn remove(&mut self, seq: u32) -> Option<TruthCall> {
        let at = self.calls.iter().position(|c| c.seq == seq)?;
        let to_come = self.changes.split_off(self.made);
        self.changes
            .extend(to_come.into_iter().filter(|c| c.seq != seq));
        Some(self.calls.remove(at))
    }

    /// Puts a deleted call back as it was (a vendor undoing a delete, a record restored from
    /// its trash): its modification time moves to the world's time.
    pub fn restore(&mut self, mut call: TruthCall) {
        call.modified_at = call.modified_at.max(self.until);
        let at = self
            .calls
            .partition_point(|c| (c.started_at, c.seq) < (call.started_at, call.seq));
        self.calls.insert(at, call);
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
            let mut call = TruthCall {
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
                // It arrives when its slot ends.
                modified_at: DateTime::from_timestamp((s + 1) * self.slot, 0).expect("in range"),
            };
            if let Some((change, before)) = self.change_of(&call) {
                before.set(&mut call);
                self.changes.push(change);
            }
            self.calls.push(call);
        }
        self.last = self.last.max(last);
        self.changes[self.made..].sort_by_key(|c| (c.at, c.seq));
    }

    /// Whether and how a call just generated changes after it arrives: for a share `rate` of
    /// the calls that arrive less than [`SETTLE`] after they started, one change at a time drawn
    /// between its arrival and then; with the fields first served. Drawn from a generator of
    /// its own, so the calls end as those of a world without changes.
    fn change_of(&self, call: &TruthCall) -> Option<(Change, Fields)> {
        let arrived = call.modified_at;
        let settled = call.started_at + SETTLE;
        if self.rate <= 0.0 || arrived >= settled || call.status == Status::InProgress {
            return None;
        }
        let mut rng = Rng::new(
            self.seed.rotate_left(29) ^ (call.seq as u64).wrapping_mul(0xA24B_AED4_963E_E407),
        );
        if !rng.chance(self.rate) {
            return None;
        }
        let after = Fields::of(call);
        let in_progress = self
            .shape
            .statuses
            .iter()
            .any(|(s, _)| *s == Status::InProgress);
        let kinds: Vec<ChangeKind> = [
            (in_progress, ChangeKind::Finished),
            (
                matches!(call.status, Status::Answered | Status::Voicemail),
                ChangeKind::Corrected,
            ),
            (call.recording, ChangeKind::Recording),
        ]
        .into_iter()
        .filter_map(|(can, kind)| can.then_some(kind))
        .collect();
        if kinds.is_empty() {
            return None;
        }
        let kind = kinds[rng.below(kinds.len() as u64) as usize];
        let before = match kind {
            ChangeKind::Finished => Fields {
                status: Status::InProgress,
                talk: 0,
                recording: false,
                ..after
            },
            ChangeKind::Corrected if after.status == Status::Voicemail => Fields {
                status: Status::Answered,
                ..after
            },
            ChangeKind::Corrected => Fields {
                status: Status::Missed,
                talk: 0,
                recording: false,
                ..after
            },
            ChangeKind::Recording => Fields {
                recording: false,
                ..after
            },
        };
        let window = (settled - arrived).num_seconds() as u64;
        let change = Change {
            seq: call.seq,
            started_at: call.started_at,
            at: arrived + Duration::seconds(rng.range(1, window) as i64),
            kind,
            after,
        };
        Some((change, before))
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
        // Added calls are served as they are, without changes to come.
        let extra = World::generate(seed, n, from + Duration::seconds(span), shape, 0.0);
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
            // Written now, whenever it started.
            call.modified_at = self.until.max(call.started_at);
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
        let a = World::generate(7, 300, until, &SHAPE, 0.05);
        let b = World::generate(7, 300, until, &SHAPE, 0.05);
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
        assert_ne!(World::generate(8, 300, until, &SHAPE, 0.05).calls, a.calls);
    }

    /// A world generated a day later has the same past: the calls they share are identical, and
    /// the later one has the calls of that day on top.
    #[test]
    fn a_later_world_keeps_the_past() {
        let until = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let a = World::generate(7, 300, until, &SHAPE, 0.05);
        let b = World::generate(7, 300, until + Duration::days(1), &SHAPE, 0.05);
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
        let mut grown = World::generate(7, 300, until, &SHAPE, 0.05);
        assert!(!grown.due(until) && grown.due(until + Duration::days(1)));
        grown.advance(until + Duration::days(1));
        assert_eq!(grown.calls[grown.calls.len() - 300..], b.calls[..]);
        let newest = a.calls.last().unwrap();
        assert!(b.calls[shared.len()..]
            .iter()
            .all(|c| c.seq > newest.seq && c.started_at > newest.started_at));
    }

    const LIVE: Shape = Shape {
        directions: &[Direction::Inbound],
        statuses: &[
            (Status::Answered, 5),
            (Status::Missed, 2),
            (Status::Voicemail, 2),
            (Status::InProgress, 1),
        ],
    };

    /// A world advanced to a time is the world generated at that time, changes included; each
    /// change comes after its call arrived and within `SETTLE` of its start.
    #[test]
    fn changes_come_from_the_seed_and_the_slots() {
        let until = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let later = until + Duration::hours(3);
        // A call every 3 minutes: 40 in the last two hours.
        let mut moved = World::generate(3, 43_200, until, &LIVE, 1.0);
        let pending: Vec<Change> = moved
            .changes()
            .iter()
            .filter(|c| c.at > until)
            .cloned()
            .collect();
        let kinds: std::collections::HashSet<ChangeKind> = pending.iter().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), 3, "every kind to come: {pending:?}");
        let before: Vec<TruthCall> = moved.calls.clone();
        moved.advance(later);
        let fresh = World::generate(3, 43_200, later, &LIVE, 1.0);
        let from = fresh.calls[0].started_at;
        assert_eq!(moved.between(from, later), &fresh.calls[..]);
        let shared: Vec<&Change> = moved
            .changes()
            .iter()
            .filter(|c| c.started_at >= from)
            .collect();
        assert_eq!(shared, fresh.changes().iter().collect::<Vec<_>>());
        // Each change to come was made, at its time, on a call that had arrived before it.
        for c in &pending {
            let was = before.iter().find(|t| t.seq == c.seq).unwrap();
            let now = moved.calls.iter().find(|t| t.seq == c.seq).unwrap();
            assert!(
                was.modified_at < c.at && c.at <= c.started_at + SETTLE,
                "{c:?}"
            );
            assert_eq!(now.modified_at, c.at);
            match c.kind {
                ChangeKind::Finished => {
                    assert_eq!((was.status, was.ended_at()), (Status::InProgress, None));
                    assert!(now.status != Status::InProgress && now.ended_at().is_some());
                }
                ChangeKind::Corrected => assert!(matches!(
                    (was.status, now.status),
                    (Status::Missed, Status::Answered) | (Status::Answered, Status::Voicemail)
                )),
                ChangeKind::Recording => assert!(!was.recording && now.recording),
            }
        }
        // Calls that started over SETTLE before `until` are as they were.
        let old = before
            .iter()
            .filter(|t| t.started_at < until - SETTLE)
            .collect::<Vec<_>>();
        assert!(old.len() > 40_000);
        assert!(old.iter().zip(&moved.calls).all(|(a, b)| *a == b));
        assert!(moved
            .changes()
            .iter()
            .all(|c| c.at > c.started_at && c.at <= c.started_at + SETTLE));
        // A few percent at the default rate, none for a rate of zero.
        let world = World::generate(3, 43_200, until, &LIVE, 0.05);
        let share = world.changes().len() as f64 / world.calls.len() as f64;
        assert!((0.03..0.06).contains(&share), "{share}");
        assert!(World::generate(3, 43_200, until, &LIVE, 0.0)
            .changes()
            .is_empty());
    }
}
