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

/// A `--fields a,b,c` list read against the `known` names: the index of each, in the order
/// given, any case. Every unknown name is reported at once, each with the nearest known one; a
/// name listed twice, or no name, is refused too.
pub fn pick(list: &str, known: &[&str]) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        // Any case: `--fields ID,Status` as a table's header spells them.
        match known.iter().position(|k| k.eq_ignore_ascii_case(name)) {
            Some(i) if out.contains(&i) => return Err(format!("field '{name}' is listed twice")),
            Some(i) => out.push(i),
            None => unknown.push(format!(
                "'{name}'{}",
                did_you_mean(name, known.iter().copied())
            )),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "unknown field{} {} (fields: {})",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            known.join(", ")
        ));
    }
    if out.is_empty() {
        return Err("--fields needs at least one field name".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fields_list_is_read_in_order_in_any_case_and_refused_whole() {
        let known = ["id", "status", "started_at"];
        assert_eq!(pick("Status, id", &known), Ok(vec![1, 0]));
        assert_eq!(
            pick("stauts,id,nope", &known),
            Err("unknown fields 'stauts' (did you mean status?), 'nope' \
                 (fields: id, status, started_at)"
                .into())
        );
        assert_eq!(
            pick("id,ID", &known),
            Err("field 'ID' is listed twice".into())
        );
        assert_eq!(
            pick(" , ", &known),
            Err("--fields needs at least one field name".into())
        );
    }

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
