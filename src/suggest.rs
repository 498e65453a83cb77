//! "Did you mean ...?": the known name nearest to a misspelt one, for every message that
//! refuses a name (`--fields`, config keys, `-o`).

/// The known name closest to `word` (edits, a swap of two letters counting as one), if it is
/// close enough to be what was meant: at most a third of the word's letters differ.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = word.chars().count().div_ceil(3).max(1);
    known
        .into_iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&word, &k.to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Up to `n` known names nearest to `word`, nearest first (ties in the order given): those
/// within [`nearest`]'s reach when there are any, else the nearest however far, for a warning
/// that shows what there is.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let limit = lower.chars().count().div_ceil(3).max(1);
    let mut ranked: Vec<(usize, &str)> = known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), k))
        .collect();
    ranked.sort_by_key(|(d, _)| *d);
    let near = ranked.iter().take_while(|(d, _)| *d <= limit).count();
    let keep = if near > 0 { near.min(n) } else { n };
    ranked.into_iter().take(keep).map(|(_, k)| k).collect()
}

/// `" (did you mean status?)"`, or nothing when no known name is near.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, known)
        .map(|k| format!(" (did you mean {k}?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_name_within_reach() {
        let known = [
            "id",
            "status",
            "started_at",
            "duration",
            "token",
            "token_env",
        ];
        assert_eq!(nearest("stauts", known), Some("status"));
        assert_eq!(nearest("Status", known), Some("status"));
        assert_eq!(nearest("tokn", known), Some("token"));
        assert_eq!(nearest("token_evn", known), Some("token_env"));
        assert_eq!(nearest("durtion", known), Some("duration"));
        assert_eq!(nearest("foo", known), None);
        assert_eq!(nearest("campaign", known), None);
        assert_eq!(did_you_mean("stauts", known), " (did you mean status?)");
        assert_eq!(did_you_mean("foo", known), "");
        let agents = ["Anna Schmidt", "Night Line", "Max"];
        assert_eq!(closest("Nite Line", agents, 2), ["Night Line"]);
        assert_eq!(closest("Maxi", agents, 2), ["Max"]);
        assert_eq!(closest("Zoltan Kovacs", agents, 5).len(), 3);
        assert!(closest("x", [], 3).is_empty());
    }
}
