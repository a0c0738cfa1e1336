import LoupeJSON

/// Picks k examples from candidates ranked most relevant first so that near-duplicates do not fill every place,
/// then trims to a character budget.
///
/// Plain MMR mixes relevance and redundancy on one scale, and inputs that share a template (every invoice says
/// "Invoice from … total due … EUR") then push out relevant examples in favour of unrelated ones. Here
/// candidates are taken in order of relevance, and one that is a near-duplicate of an example already taken
/// (trigram similarity ≥ `duplicateSimilarity`) waits until every other candidate has had its turn.
public enum FewShotSelection {
    public static func select(_ candidates: [Example], k: Int, duplicateSimilarity: Double = 0.9, maxChars: Int? = nil) -> [Example] {
        var chosen: [Example] = []
        var chosenGrams: [Set<UInt64>] = []
        var deferred: [Example] = []
        for candidate in candidates where chosen.count < k {
            let grams = Trigrams.of(candidate.inputText)
            if chosenGrams.contains(where: { Trigrams.similarity(grams, $0) >= duplicateSimilarity }) {
                deferred.append(candidate)
                continue
            }
            chosen.append(candidate)
            chosenGrams.append(grams)
        }
        chosen += deferred.prefix(k - chosen.count)
        return trim(chosen, maxChars: maxChars)
    }

    /// Keeps examples in order while their serialized input and output fit in `maxChars`.
    public static func trim(_ examples: [Example], maxChars: Int?) -> [Example] {
        guard let maxChars else { return examples }
        var used = 0
        var kept: [Example] = []
        for example in examples {
            let size = JSONWriter.string(example.input).count + JSONWriter.string(example.output).count
            if used + size > maxChars { break }
            used += size
            kept.append(example)
        }
        return kept
    }
}
