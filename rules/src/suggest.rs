//! Did-you-mean suggestions.

/// The candidate closest to `name`, when exactly one is close enough to be a typo
/// (case-insensitive edit distance at most a third of the name's length, at least 1).
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    let lowered = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = edit_distance(&lowered, &candidate.to_lowercase());
        if distance > limit {
            continue;
        }
        match best {
            Some((best_distance, best_name))
                if distance == best_distance && best_name != candidate =>
            {
                tied = true
            }
            Some((best_distance, _)) if distance >= best_distance => {}
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    if tied {
        None
    } else {
        best.map(|(_, candidate)| candidate)
    }
}

/// Levenshtein distance over characters, with adjacent transpositions counted as one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous2 = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(previous2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut previous2, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_one_close_candidate() {
        assert_eq!(did_you_mean("Teem", ["Team", "Member"]), Some("Team"));
        assert_eq!(did_you_mean("text", ["string", "integer"]), None);
        assert_eq!(
            did_you_mean("Pots", ["Post", "Pot"]),
            None,
            "two candidates tie"
        );
        assert_eq!(edit_distance("ab", "ba"), 1);
    }
}
