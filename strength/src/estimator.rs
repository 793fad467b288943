use crate::{Strength, Suggestion, Warning};
use zxcvbn::feedback::{Suggestion as Z, Warning as W};

/// Scores a password, counting the person's own details (`user_inputs`) as easy guesses: each
/// whole, and each word of them ("Ada Lovelace", "ada.lovelace@example.com" → "lovelace").
pub fn estimate(password: &str, user_inputs: &[&str]) -> Strength {
    if password.is_empty() {
        return Strength::default();
    }
    let mut inputs: Vec<&str> = user_inputs.to_vec();
    for input in user_inputs {
        inputs.extend(input.split(|c: char| !c.is_alphanumeric()).filter(|word| word.chars().count() >= 3));
    }
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    let feedback = entropy.feedback();
    Strength {
        score: u8::from(entropy.score()),
        warning: feedback.and_then(|f| f.warning()).map(warning),
        suggestions: feedback.map(|f| f.suggestions().iter().copied().map(suggestion).collect()).unwrap_or_default(),
    }
}

fn warning(w: W) -> Warning {
    match w {
        W::StraightRowsOfKeysAreEasyToGuess => Warning::StraightRowsOfKeys,
        W::ShortKeyboardPatternsAreEasyToGuess => Warning::ShortKeyboardPatterns,
        W::RepeatsLikeAaaAreEasyToGuess => Warning::RepeatsLikeAaa,
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => Warning::RepeatsLikeAbcAbc,
        W::ThisIsATop10Password => Warning::Top10Password,
        W::ThisIsATop100Password => Warning::Top100Password,
        W::ThisIsACommonPassword => Warning::CommonPassword,
        W::ThisIsSimilarToACommonlyUsedPassword => Warning::SimilarToCommonPassword,
        W::SequencesLikeAbcAreEasyToGuess => Warning::SequencesLikeAbc,
        W::RecentYearsAreEasyToGuess => Warning::RecentYears,
        W::AWordByItselfIsEasyToGuess => Warning::WordByItself,
        W::DatesAreOftenEasyToGuess => Warning::Dates,
        W::NamesAndSurnamesByThemselvesAreEasyToGuess => Warning::NamesByThemselves,
        W::CommonNamesAndSurnamesAreEasyToGuess => Warning::CommonNames,
    }
}

fn suggestion(s: Z) -> Suggestion {
    match s {
        Z::UseAFewWordsAvoidCommonPhrases => Suggestion::UseAFewWords,
        Z::NoNeedForSymbolsDigitsOrUppercaseLetters => Suggestion::NoNeedForSymbols,
        Z::AddAnotherWordOrTwo => Suggestion::AddAnotherWord,
        Z::CapitalizationDoesntHelpVeryMuch => Suggestion::CapitalizationDoesntHelp,
        Z::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => Suggestion::AllUppercase,
        Z::ReversedWordsArentMuchHarderToGuess => Suggestion::ReversedWords,
        Z::PredictableSubstitutionsDontHelpVeryMuch => Suggestion::PredictableSubstitutions,
        Z::UseALongerKeyboardPatternWithMoreTurns => Suggestion::LongerKeyboardPattern,
        Z::AvoidRepeatedWordsAndCharacters => Suggestion::AvoidRepeats,
        Z::AvoidSequences => Suggestion::AvoidSequences,
        Z::AvoidRecentYears => Suggestion::AvoidRecentYears,
        Z::AvoidYearsThatAreAssociatedWithYou => Suggestion::AvoidYearsAssociatedWithYou,
        Z::AvoidDatesAndYearsThatAreAssociatedWithYou => Suggestion::AvoidDatesAssociatedWithYou,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_weak_and_say_why() {
        let verdict = estimate("password1", &[]);
        assert!(verdict.score < 2);
        assert!(verdict.warning.is_some());
        assert!(!verdict.is_acceptable());
    }

    #[test]
    fn a_few_random_words_are_strong() {
        assert!(estimate("correct horse battery staple orbit", &[]).is_acceptable());
    }

    #[test]
    fn the_persons_own_details_count_against_the_password() {
        // Unusual names are strong guesses for a stranger, not for someone who knows them.
        let me = ["zelda.quornwhistle@example.com", "Zelda Quornwhistle", "Brandtvik"];
        let alone = estimate("quornwhistle brandtvik", &[]);
        let known = estimate("quornwhistle brandtvik", &me);
        assert!(known.score < alone.score, "{alone:?} vs {known:?}");
    }

    #[test]
    fn nothing_typed_scores_zero_without_feedback() {
        assert_eq!(estimate("", &[]), Strength::default());
    }
}
