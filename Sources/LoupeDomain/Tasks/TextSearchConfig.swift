/// The text search configurations PostgreSQL 15 ships, which a task may name for its inputs' language.
public enum TextSearchConfig {
    public static let `default` = "english"
    /// `simple` lower-cases only (no stemming, no stop words): for codes, ids and mixed languages.
    public static let all = [
        "simple", "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish", "french", "german",
        "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali", "norwegian", "portuguese",
        "romanian", "russian", "serbian", "spanish", "swedish", "tamil", "turkish", "yiddish",
    ]
}
