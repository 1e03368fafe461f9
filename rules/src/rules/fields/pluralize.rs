//! English plurals the way Amplify's GraphQL transformer makes them for generated query
//! names (`listTodos`, `listPeople`): a port of the `pluralize` npm package (8.0.0) it uses,
//! with its irregular words, uncountable words and suffix rules, case restored like the
//! package does.

/// `pluralize(word)`.
pub(crate) fn plural(word: &str) -> String {
    let token = word.to_lowercase();
    if IRREGULAR.iter().any(|(_, plural)| *plural == token) {
        return restore_case(word, &token);
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(single, _)| *single == token) {
        return restore_case(word, plural);
    }
    if token.is_empty() || UNCOUNTABLE.contains(&token.as_str()) {
        return word.to_string();
    }
    let characters: Vec<char> = word.chars().collect();
    let lowered: Vec<char> = characters
        .iter()
        .map(|character| character.to_ascii_lowercase())
        .collect();
    let Some(Replacement {
        start,
        keep,
        suffix,
    }) = find_rule(&lowered)
    else {
        return word.to_string();
    };
    let prefix: String = characters[..start].iter().collect();
    let matched: String = characters[start..].iter().collect();
    let mut result: String = characters[start..start + keep].iter().collect();
    result.push_str(suffix);
    if matched.is_empty() {
        // An empty match takes the case of the character before it.
        let before = characters
            .get(start.wrapping_sub(1))
            .map(|character| character.to_string())
            .unwrap_or_default();
        return format!("{prefix}{}", restore_case(&before, &result));
    }
    format!("{prefix}{}", restore_case(&matched, &result))
}

/// The package's `restoreCase`: the token in the case of the word.
fn restore_case(word: &str, token: &str) -> String {
    if word == token {
        return token.to_string();
    }
    if word == word.to_lowercase() {
        return token.to_lowercase();
    }
    if word == word.to_uppercase() {
        return token.to_uppercase();
    }
    let mut word_characters = word.chars();
    let first_is_upper = word_characters
        .next()
        .is_some_and(|first| first.to_uppercase().eq(std::iter::once(first)));
    if first_is_upper {
        let mut token_characters = token.chars();
        return match token_characters.next() {
            Some(first) => first
                .to_uppercase()
                .chain(token_characters.as_str().to_lowercase().chars())
                .collect(),
            None => String::new(),
        };
    }
    token.to_lowercase()
}

/// Replace the word from `start` (in characters) to its end with its first `keep`
/// characters followed by `suffix`.
struct Replacement {
    start: usize,
    keep: usize,
    suffix: &'static str,
}

fn ends_with(word: &[char], ending: &str) -> bool {
    let mut characters = word.iter().rev();
    ending
        .chars()
        .rev()
        .all(|expected| characters.next() == Some(&expected))
}

/// The start of the longest `stem + ending` at the end of `word` over the alternatives,
/// i.e. the leftmost match of `(stem1|stem2|...)(?:ending1|ending2)$`, with the stem's length.
fn stem_match(word: &[char], stems: &[&str], endings: &[&str]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for ending in endings {
        if !ends_with(word, ending) {
            continue;
        }
        let before_ending = &word[..word.len() - ending.chars().count()];
        for stem in stems {
            if ends_with(before_ending, stem) {
                let stem_length = stem.chars().count();
                let start = before_ending.len() - stem_length;
                if best.is_none_or(|(best_start, _)| start < best_start) {
                    best = Some((start, stem_length));
                }
            }
        }
    }
    best
}

fn is_vowel(character: char) -> bool {
    matches!(character, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn is_word_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_'
}

/// The package's rules, the last added first (uncountable patterns, then plural rules).
fn find_rule(word: &[char]) -> Option<Replacement> {
    let length = word.len();
    let last = |n: usize| -> Option<&[char]> { length.checked_sub(n).map(|start| &word[start..]) };
    let unchanged = |start: usize| Replacement {
        start,
        keep: length - start,
        suffix: "",
    };
    // Uncountable patterns.
    for ending in ["sheep", "pox", "measles", "fish", "deer"] {
        if ends_with(word, ending) {
            return Some(unchanged(length - ending.chars().count()));
        }
    }
    if let Some([o, iu, 's']) = last(3) {
        if *o == 'o' && matches!(iu, 'i' | 'u') {
            return Some(unchanged(length - 3));
        }
    }
    if let Some([consonant, 'e', 's', 'e']) = last(4) {
        if !is_vowel(*consonant) {
            return Some(unchanged(length - 4));
        }
    }
    if ends_with(word, "pokemon") || ends_with(word, "pokémon") {
        return Some(unchanged(length - 7));
    }
    // Plural rules, last first.
    if word.iter().collect::<String>() == "thou" {
        return Some(Replacement {
            start: 0,
            keep: 0,
            suffix: "you",
        });
    }
    if let Some(['m', 'a' | 'e', 'n']) = last(3) {
        return Some(Replacement {
            start: length - 3,
            keep: 0,
            suffix: "men",
        });
    }
    if ends_with(word, "eaux") {
        return Some(unchanged(length - 4));
    }
    if let Some((start, keep)) = stem_match(word, &["child"], &["ren", ""]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "ren",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["pe"], &["rson", "ople"]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "ople",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["titm", "m", "l"], &["ice", "ouse"]) {
        let at_boundary = start == 0 || !is_word_character(word[start - 1]);
        if at_boundary {
            return Some(Replacement {
                start,
                keep,
                suffix: "ice",
            });
        }
    }
    if let Some((start, keep)) = stem_match(
        word,
        &["matr", "cod", "mur", "sil", "vert", "ind", "append"],
        &["ix", "ex"],
    ) {
        return Some(Replacement {
            start,
            keep,
            suffix: "ices",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["x", "ch", "ss", "sh", "zz"], &[""]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "es",
        });
    }
    if let Some([first, 'i' | 'e' | 'o', 'l' | 'n', 'e', 'y']) = last(5) {
        if !matches!(first, 'c' | 'h') {
            return Some(Replacement {
                start: length - 5,
                keep: 3,
                suffix: "ies",
            });
        }
    }
    if ends_with(word, "quy") {
        return Some(Replacement {
            start: length - 3,
            keep: 2,
            suffix: "ies",
        });
    }
    if let Some([before, 'y']) = last(2) {
        if !is_vowel(*before) && *before != 'y' {
            return Some(Replacement {
                start: length - 2,
                keep: 1,
                suffix: "ies",
            });
        }
    }
    if let Some((start, keep)) = stem_match(word, &["kni", "wi", "li"], &["fe"])
        .or_else(|| stem_match(word, &["ar", "l", "ea", "eo", "oa", "hoo"], &["f"]))
    {
        return Some(Replacement {
            start,
            keep,
            suffix: "ves",
        });
    }
    if ends_with(word, "sis") {
        return Some(Replacement {
            start: length - 3,
            keep: 0,
            suffix: "ses",
        });
    }
    if let Some((start, keep)) = stem_match(
        word,
        &[
            "apheli",
            "hyperbat",
            "periheli",
            "asyndet",
            "noumen",
            "phenomen",
            "criteri",
            "organ",
            "prolegomen",
            "hedr",
            "automat",
        ],
        &["a", "on"],
    ) {
        return Some(Replacement {
            start,
            keep,
            suffix: "a",
        });
    }
    if let Some((start, keep)) = stem_match(
        word,
        &[
            "agend",
            "addend",
            "millenni",
            "dat",
            "extrem",
            "bacteri",
            "desiderat",
            "strat",
            "candelabr",
            "errat",
            "ov",
            "symposi",
            "curricul",
            "automat",
            "quor",
        ],
        &["a", "um"],
    ) {
        return Some(Replacement {
            start,
            keep,
            suffix: "a",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["her", "at", "gr"], &["o"]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "oes",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["seraph", "cherub"], &["im", ""]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "im",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["alumn", "alg", "vertebr"], &["ae", "a"]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "ae",
        });
    }
    if let Some((start, keep)) = stem_match(
        word,
        &[
            "alumn", "syllab", "vir", "radi", "nucle", "fung", "cact", "stimul", "termin",
            "bacill", "foc", "uter", "loc", "strat",
        ],
        &["us", "i"],
    ) {
        return Some(Replacement {
            start,
            keep,
            suffix: "i",
        });
    }
    // ([^l]ias|[aeiou]las|[ejzr]as|[iu]am)$ keeps the word.
    match last(4) {
        Some([first, 'i', 'a', 's']) if *first != 'l' => return Some(unchanged(length - 4)),
        Some([first, 'l', 'a', 's']) if is_vowel(*first) => return Some(unchanged(length - 4)),
        _ => {}
    }
    match last(3) {
        Some(['e' | 'j' | 'z' | 'r', 'a', 's']) | Some(['i' | 'u', 'a', 'm']) => {
            return Some(unchanged(length - 3))
        }
        _ => {}
    }
    if let Some((start, keep)) = stem_match(word, &["emu", "enu"], &["s", ""]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "s",
        });
    }
    if let Some((start, keep)) = stem_match(word, &["alias", "gas", "ris", "tlas", "tmas"], &[""]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "es",
        });
    }
    if let Some([before, 'u', 's']) = last(3) {
        if !matches!(before, 'a' | 'o' | 'u') {
            return Some(Replacement {
                start: length - 3,
                keep: 3,
                suffix: "es",
            });
        }
    }
    if let Some((start, keep)) = stem_match(word, &["ax", "test"], &["is"]) {
        return Some(Replacement {
            start,
            keep,
            suffix: "es",
        });
    }
    // ([^aeiou]ese)$ was handled with the uncountable patterns (same pattern).
    if word.last().is_some_and(|character| !character.is_ascii()) {
        return Some(unchanged(length - 1));
    }
    if word.last() == Some(&'s') {
        return Some(Replacement {
            start: length - 1,
            keep: 0,
            suffix: "s",
        });
    }
    Some(Replacement {
        start: length,
        keep: 0,
        suffix: "s",
    })
}

const IRREGULAR: &[(&str, &str)] = &[
    ("i", "we"),
    ("me", "us"),
    ("he", "they"),
    ("she", "they"),
    ("them", "them"),
    ("myself", "ourselves"),
    ("yourself", "yourselves"),
    ("itself", "themselves"),
    ("herself", "themselves"),
    ("himself", "themselves"),
    ("themself", "themselves"),
    ("is", "are"),
    ("was", "were"),
    ("has", "have"),
    ("this", "these"),
    ("that", "those"),
    ("echo", "echoes"),
    ("dingo", "dingoes"),
    ("volcano", "volcanoes"),
    ("tornado", "tornadoes"),
    ("torpedo", "torpedoes"),
    ("genus", "genera"),
    ("viscus", "viscera"),
    ("stigma", "stigmata"),
    ("stoma", "stomata"),
    ("dogma", "dogmata"),
    ("lemma", "lemmata"),
    ("schema", "schemata"),
    ("anathema", "anathemata"),
    ("ox", "oxen"),
    ("axe", "axes"),
    ("die", "dice"),
    ("yes", "yeses"),
    ("foot", "feet"),
    ("eave", "eaves"),
    ("goose", "geese"),
    ("tooth", "teeth"),
    ("quiz", "quizzes"),
    ("human", "humans"),
    ("proof", "proofs"),
    ("carve", "carves"),
    ("valve", "valves"),
    ("looey", "looies"),
    ("thief", "thieves"),
    ("groove", "grooves"),
    ("pickaxe", "pickaxes"),
    ("passerby", "passersby"),
];

const UNCOUNTABLE: &[&str] = &[
    "adulthood",
    "advice",
    "agenda",
    "aid",
    "aircraft",
    "alcohol",
    "ammo",
    "analytics",
    "anime",
    "athletics",
    "audio",
    "bison",
    "blood",
    "bream",
    "buffalo",
    "butter",
    "carp",
    "cash",
    "chassis",
    "chess",
    "clothing",
    "cod",
    "commerce",
    "cooperation",
    "corps",
    "debris",
    "diabetes",
    "digestion",
    "elk",
    "energy",
    "equipment",
    "excretion",
    "expertise",
    "firmware",
    "flounder",
    "fun",
    "gallows",
    "garbage",
    "graffiti",
    "hardware",
    "headquarters",
    "health",
    "herpes",
    "highjinks",
    "homework",
    "housework",
    "information",
    "jeans",
    "justice",
    "kudos",
    "labour",
    "literature",
    "machinery",
    "mackerel",
    "mail",
    "media",
    "mews",
    "moose",
    "music",
    "mud",
    "manga",
    "news",
    "only",
    "personnel",
    "pike",
    "plankton",
    "pliers",
    "police",
    "pollution",
    "premises",
    "rain",
    "research",
    "rice",
    "salmon",
    "scissors",
    "series",
    "sewage",
    "shambles",
    "shrimp",
    "software",
    "species",
    "staff",
    "swine",
    "tennis",
    "traffic",
    "transportation",
    "trout",
    "tuna",
    "wealth",
    "welfare",
    "whiting",
    "wildebeest",
    "wildlife",
    "you",
];

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn pluralizes_like_the_npm_package() {
        // Expected values produced by the npm package itself (pluralize 8.0.0).
        for (single, expected) in [
            ("Todo", "Todos"),
            ("Todos", "Todos"),
            ("Person", "People"),
            ("People", "People"),
            ("SalesPerson", "SalesPeople"),
            ("Category", "Categories"),
            ("Index", "Indices"),
            ("Box", "Boxes"),
            ("Address", "Addresses"),
            ("Status", "Statuses"),
            ("Bus", "Buses"),
            ("Child", "Children"),
            ("Mouse", "Mice"),
            ("Wolf", "Wolves"),
            ("Knife", "Knives"),
            ("Analysis", "Analyses"),
            ("Datum", "Data"),
            ("Hero", "Heroes"),
            ("Equipment", "Equipment"),
            ("Sheep", "Sheep"),
            ("Woman", "Women"),
            ("Foot", "Feet"),
            ("Menu", "Menus"),
            ("Alias", "Aliases"),
            ("Radius", "Radii"),
            ("Money", "Monies"),
            ("TODO", "TODOS"),
            ("Settings", "Settings"),
            ("Quiz", "Quizzes"),
            ("Post", "Posts"),
            ("Café", "Café"),
            ("Leaf", "Leaves"),
            ("Half", "Halves"),
            ("Key", "Keys"),
            ("Journey", "Journeys"),
            ("Photo", "Photos"),
            ("Potato", "Potatoes"),
            ("Video", "Videos"),
            ("Atlas", "Atlases"),
            ("Gas", "Gases"),
            ("Iris", "Irises"),
            ("Axis", "Axes"),
            ("Chinese", "Chinese"),
            ("Campus", "Campuses"),
            ("Virus", "Viri"),
            ("Bias", "Bias"),
            ("Area", "Areas"),
            ("Criterion", "Criteria"),
            ("Medium", "Mediums"),
            ("Stadium", "Stadiums"),
            ("Matrix", "Matrices"),
            ("Vertex", "Vertices"),
            ("Appendix", "Appendices"),
            ("Cactus", "Cacti"),
            ("Focus", "Foci"),
            ("Fungus", "Fungi"),
            ("Octopus", "Octopuses"),
            ("Genus", "Genera"),
            ("Ox", "Oxen"),
            ("Human", "Humans"),
            ("Chef", "Chefs"),
            ("Roof", "Roofs"),
            ("Safe", "Safes"),
            ("Belief", "Beliefs"),
            ("Life", "Lives"),
            ("Wife", "Wives"),
            ("Shelf", "Shelves"),
            ("Calf", "Calves"),
            ("Ray", "Rays"),
            ("Toy", "Toys"),
            ("Guy", "Guys"),
            ("Soliloquy", "Soliloquies"),
            ("Buzz", "Buzzes"),
            ("Fez", "Fezs"),
            ("Dish", "Dishes"),
            ("Church", "Churches"),
            ("Glass", "Glasses"),
            ("Phenomenon", "Phenomena"),
            ("Bacterium", "Bacteria"),
            ("Memo", "Memos"),
            ("Zero", "Zeros"),
            ("Echo", "Echoes"),
            ("Tomato", "Tomatoes"),
            ("Species", "Species"),
            ("News", "News"),
            ("Audio", "Audio"),
            ("Message", "Messages"),
            ("UserProfile", "UserProfiles"),
            ("OrderItem", "OrderItems"),
            ("BlogPost", "BlogPosts"),
            ("Inventory", "Inventories"),
            ("Company", "Companies"),
            ("Activity", "Activities"),
            ("Entry", "Entries"),
            ("Reply", "Replies"),
            ("ChatRoom", "ChatRooms"),
            ("Process", "Processes"),
            ("Analytics", "Analytics"),
            ("SMS", "SMS"),
            ("API", "APIS"),
            ("Data", "Data"),
            ("Metadata", "Metadata"),
            ("Info", "Infos"),
            ("Log", "Logs"),
            ("Media", "Media"),
            ("Photos", "Photos"),
            ("Series", "Series"),
            ("Fish", "Fish"),
            ("Deer", "Deer"),
            ("Pokemon", "Pokemon"),
            ("Goose", "Geese"),
            ("Tooth", "Teeth"),
            ("Schema", "Schemata"),
            ("Quorum", "Quora"),
            ("Curriculum", "Curricula"),
            ("Alga", "Algae"),
            ("Alumnus", "Alumni"),
            ("Syllabus", "Syllabi"),
            ("Seraph", "Seraphim"),
            ("Passerby", "Passersby"),
            ("Thou", "You"),
            ("Man", "Men"),
            ("Specimen", "Specimen"),
            ("Token", "Tokens"),
            ("Emu", "Emus"),
            ("Menus", "Menus"),
        ] {
            assert_eq!(plural(single), expected, "{single}");
        }
    }
}
