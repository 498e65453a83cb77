//! The databases `calls sync` writes, as the tests read them back (SQLite in tests/sync.rs,
//! PostgreSQL in tests/sync_postgres.rs), and the scenarios that are the same on both: each
//! written once here and run against either through [`Store`].

use calls::call::Call;
use calls::sandbox::Sandbox;
use calls::vendors::Vendor;

use super::{
    call_json, run_bounded as run, truth, wait_exit, wait_for, Home, Rows, FROM, HANG, TO,
};

/// A database as a test sees it.
pub trait Store {
    /// DEST as `calls sync` takes it (run in the test's HOME).
    fn dest(&self) -> String;
    /// `profile`'s rows by id, as [`call_json`] makes them; each row checked complete (its
    /// vendor record kept, when it was first stored).
    fn table(&self, profile: &str) -> Rows;
    /// How many calls are stored, of every profile.
    fn count(&self) -> u64;
    /// The profiles with a sync state, in order.
    fn synced(&self) -> Vec<String>;
    /// From now on every insert of `famulor`'s calls past the 2,500th is refused with
    /// `boom: no room` (a trigger), until [`Store::accept`].
    fn refuse_famulor_after_2500(&self);
    /// Drops what [`Store::refuse_famulor_after_2500`] made refuse.
    fn accept(&self);
}

/// `calls`' rows by id, as [`call_json`] makes them.
pub fn rows(calls: &[Call]) -> Rows {
    calls.iter().map(|c| (c.id.clone(), call_json(c))).collect()
}

/// `sync DEST` over the whole test window, then `extra`.
pub fn sync_args(dest: &str, extra: &[&str]) -> Vec<String> {
    ["sync", dest, "--from", FROM, "--to", TO]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

/// Starts `calls ARGS` and `kill -9`s it after a seeded number of requests (1 to `most`), unless
/// it ended first: whether it was killed.
pub fn kill_at_random(
    home: &Home,
    sb: &Sandbox,
    args: &[impl AsRef<std::ffi::OsStr>],
    seed: &mut u64,
    most: usize,
) -> bool {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let after = 1 + (*seed >> 33) as usize % most;
    sb.clear_requests();
    let mut child = home
        .calls_std()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&format!("{after} requests"), || {
        sb.requests().len() >= after || child.try_wait().unwrap().is_some()
    });
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        home.signal(&child, "-KILL");
    }
    wait_exit(&mut child, "a sync killed at a random point", HANG);
    killed
}

/// `runs` syncs of Famulor's calls (more than one batch) `kill -9`ed after a seeded number of
/// requests (`seed`), at least `kills` of them mid-way: whatever is stored is stored whole,
/// every row one of the vendor's calls exactly; a sync run to the end then stores each call once.
pub fn killed_at_random_points_then_run_to_the_end(
    store: &dyn Store,
    home: &Home,
    sb: &Sandbox,
    mut seed: u64,
    runs: usize,
    kills: usize,
) {
    let args = sync_args(&store.dest(), &[]);
    let want = rows(&truth(sb, Vendor::Famulor));
    assert!(want.len() > 2_000, "more than one batch");
    let mut killed = 0;
    for _ in 0..runs {
        killed += usize::from(kill_at_random(home, sb, &args, &mut seed, 50));
        for (id, row) in store.table("famulor") {
            assert_eq!(Some(&row), want.get(&id), "{id}");
        }
    }
    assert!(killed >= kills, "most runs were killed mid-way ({killed})");
    let r = run(home.cmd().args(&args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(store.table("famulor"), want);
}

/// Calls stored by an earlier run of an older window come late in a first run of the whole
/// window, after batches of new calls only (which skip the lookup and meet them at the primary
/// key): they are counted unchanged, not written twice, and the rest is new. `sb` holds some
/// 8,000 calls.
pub fn stored_calls_after_new_ones_count_unchanged(store: &dyn Store, home: &Home, sb: &Sandbox) {
    let dest = store.dest();
    let r = run(home
        .cmd()
        .args(["sync", &dest, "--from", FROM, "--to", "2025-04-01"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let older = store.count();
    let want = rows(&truth(sb, Vendor::Famulor));
    assert!(older > 0 && want.len() as u64 - older > 4_000, "{older}");
    let r = run(home.cmd().arg("-v").args(sync_args(&dest, &["--full"])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("held stored calls; written again"),
        "the conflict path ran: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "famulor: {} new, 0 changed, 0 gone, {} unchanged (",
            calls::term::thousands(want.len() as u64 - older),
            calls::term::thousands(older)
        )),
        "{}",
        r.stderr
    );
    assert_eq!(store.table("famulor"), want);
}

/// A batch the database refuses (past Famulor's 2,500th call: the second batch) stops that
/// profile's run with the database's own error, and the next profile syncs: the first batch
/// stands whole, the profile's state is not advanced, its lock is released, and once the
/// database takes the calls again a rerun ends exact. `sb` holds some 6,000 calls. The failed
/// run's stderr.
pub fn a_refused_batch_fails_that_profile_with_its_error(
    store: &dyn Store,
    home: &Home,
    sb: &Sandbox,
) -> String {
    let dest = store.dest();
    // The schema, made by a small sync of another profile.
    let r = run(home
        .cmd()
        .args(["sync", &dest, "-p", "callcap", "--from", TO, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = rows(&truth(sb, Vendor::Famulor));
    assert!(want.len() > 4_000, "several batches");
    store.refuse_famulor_after_2500();
    let r = run(home
        .cmd()
        .args(sync_args(&dest, &["-p", "famulor", "-p", "evolux"])));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("famulor: "), "{}", r.stderr);
    assert!(r.stderr.contains("boom: no room"), "{}", r.stderr);
    assert!(!r.stderr.contains("stopped taking"), "{}", r.stderr);
    assert_eq!(store.table("evolux"), rows(&truth(sb, Vendor::Evolux)));
    assert_eq!(store.synced(), ["callcap", "evolux"]);
    let stored = store.table("famulor");
    assert_eq!(stored.len(), 2_000, "the first batch, whole");
    for (id, row) in &stored {
        assert_eq!(Some(row), want.get(id), "{id}");
    }
    store.accept();
    let again = run(home.cmd().args(sync_args(&dest, &["-p", "famulor"])));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(store.table("famulor"), want);
    r.stderr
}

/// A HOME whose config holds the sandbox's profiles and `broken`: Famulor with credentials it
/// refuses (`not-the-token`).
pub fn home_with_a_broken_profile(sb: &Sandbox) -> Home {
    let home = Home::new();
    let mut config = sb.config_toml();
    config.push_str(&format!(
        "\n[profiles.broken]\nvendor = \"famulor\"\nbase_url = \"{}\"\n",
        sb.base_url(Vendor::Famulor)
    ));
    for (key, _) in Sandbox::credentials(Vendor::Famulor) {
        config.push_str(&format!("{} = \"not-the-token\"\n", key.name()));
    }
    home.write_config(&config);
    home
}

/// One sync of `profiles` (`broken` of [`home_with_a_broken_profile`] among the sandbox's own,
/// each named after its vendor), then `extra`: `broken` fails (exit 5, named, its secret never
/// shown) and does not stop the others, each stored exactly, said in its summary and its state
/// kept; nothing of `broken`'s. The run.
pub fn a_failing_profile_does_not_stop_the_others(
    store: &dyn Store,
    home: &Home,
    sb: &Sandbox,
    profiles: &[&str],
    extra: &[&str],
) -> super::Run {
    let mut args = sync_args(&store.dest(), &["--retries", "0"]);
    for p in profiles {
        args.extend(["-p".to_string(), p.to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let r = run(home.cmd().args(&args));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("broken: "), "{}", r.stderr);
    assert!(!r.stderr.contains("not-the-token"), "{}", r.stderr);
    let mut others: Vec<Vendor> = profiles
        .iter()
        .filter(|p| **p != "broken")
        .map(|p| *Vendor::ALL.iter().find(|v| v.id() == *p).unwrap())
        .collect();
    for vendor in &others {
        let want = rows(&truth(sb, *vendor));
        assert!(!want.is_empty());
        assert_eq!(store.table(vendor.id()), want, "{vendor}");
        assert!(
            r.stderr.contains(&format!(
                "{}: {} new, 0 changed, 0 gone, 0 unchanged (",
                vendor.id(),
                calls::term::thousands(want.len() as u64)
            )),
            "{}",
            r.stderr
        );
    }
    assert!(store.table("broken").is_empty());
    others.sort_by_key(|v| v.id());
    assert_eq!(
        store.synced(),
        others.iter().map(|v| v.id()).collect::<Vec<_>>()
    );
    r
}
