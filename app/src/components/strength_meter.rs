//! The live password strength meter. In the browser every keystroke is scored by zxcvbn in a
//! web worker of its own (`/pkg/passwords/strength_loader.js`), so only the pages where a
//! password is chosen download the estimator. Before the WASM has loaded (or without
//! JavaScript) the meter is empty and the server scores the password when the form is sent.

use crate::i18n::{t, Msg};
use leptos::prelude::*;
use strength::{Strength, Suggestion, Warning};

/// Where the worker's loader is served (built by Trunk from the `strength` crate).
pub const WORKER_URL: &str = "/pkg/passwords/strength_loader.js";

#[component]
pub fn StrengthMeter(
    /// The password as typed.
    #[prop(into)]
    password: Signal<String>,
    /// The person's own details, which count as easy guesses.
    user_inputs: Vec<String>,
) -> impl IntoView {
    let verdict = RwSignal::new(Strength::default());
    let millis = RwSignal::new(None::<f64>);
    let typed = Signal::derive(move || !password.with(String::is_empty));

    #[cfg(feature = "hydrate")]
    {
        let scorer = scorer::Scorer::start(move |answer: strength::Answer| {
            verdict.set(answer.strength);
            millis.set(Some(answer.millis));
        });
        Effect::new(move |_| {
            let password = password.get();
            if password.is_empty() {
                verdict.set(Strength::default());
            } else if let Some(scorer) = &scorer {
                scorer.score(password, user_inputs.clone());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = user_inputs;

    let label = move || typed.get().then(|| t(level(verdict.get().score)));
    view! {
        <div class="strength">
            <div
                role="meter"
                id="password-strength"
                class=move || format!("meter score-{}", if typed.get() { verdict.get().score } else { 0 })
                aria-label=t(Msg::PasswordStrength)
                aria-valuemin="0"
                aria-valuemax="4"
                aria-valuenow=move || if typed.get() { verdict.get().score } else { 0 }
                aria-valuetext=label
                data-score-ms=move || millis.get().map(|ms| format!("{ms:.2}"))
            >
                <span class="meter-bar" aria-hidden="true"><span class="meter-fill"></span></span>
                <span class="meter-label">{label}</span>
            </div>
            <div class="strength-feedback" aria-live="polite">
                {move || {
                    let verdict = verdict.get();
                    (typed.get() && !verdict.is_acceptable()).then(|| view! {
                        {verdict.warning.map(|w| view! { <p class="warning">{t(warning_msg(w))}</p> })}
                        <ul>
                            {verdict.suggestions.iter().map(|s| view! { <li>{t(suggestion_msg(*s))}</li> }).collect_view()}
                        </ul>
                    })
                }}
            </div>
        </div>
    }
}

/// Every text the meter may show.
pub fn messages() -> impl Iterator<Item = Msg> {
    [Msg::PasswordStrength]
        .into_iter()
        .chain((0..=4).map(level))
        .chain(Warning::ALL.map(warning_msg))
        .chain(Suggestion::ALL.map(suggestion_msg))
}

/// Weak / Fair / Good / Strong for zxcvbn's 0–4.
pub fn level(score: u8) -> Msg {
    match score {
        0 | 1 => Msg::StrengthWeak,
        2 => Msg::StrengthFair,
        3 => Msg::StrengthGood,
        _ => Msg::StrengthStrong,
    }
}

pub fn warning_msg(warning: Warning) -> Msg {
    match warning {
        Warning::StraightRowsOfKeys => Msg::WarnStraightRows,
        Warning::ShortKeyboardPatterns => Msg::WarnShortKeyboard,
        Warning::RepeatsLikeAaa => Msg::WarnRepeatsAaa,
        Warning::RepeatsLikeAbcAbc => Msg::WarnRepeatsAbcAbc,
        Warning::Top10Password => Msg::WarnTop10,
        Warning::Top100Password => Msg::WarnTop100,
        Warning::CommonPassword => Msg::WarnCommon,
        Warning::SimilarToCommonPassword => Msg::WarnSimilarCommon,
        Warning::SequencesLikeAbc => Msg::WarnSequences,
        Warning::RecentYears => Msg::WarnRecentYears,
        Warning::WordByItself => Msg::WarnWordByItself,
        Warning::Dates => Msg::WarnDates,
        Warning::NamesByThemselves => Msg::WarnNamesByThemselves,
        Warning::CommonNames => Msg::WarnCommonNames,
    }
}

pub fn suggestion_msg(suggestion: Suggestion) -> Msg {
    match suggestion {
        Suggestion::UseAFewWords => Msg::SuggestFewWords,
        Suggestion::NoNeedForSymbols => Msg::SuggestNoSymbols,
        Suggestion::AddAnotherWord => Msg::SuggestAnotherWord,
        Suggestion::CapitalizationDoesntHelp => Msg::SuggestCapitalization,
        Suggestion::AllUppercase => Msg::SuggestAllUppercase,
        Suggestion::ReversedWords => Msg::SuggestReversed,
        Suggestion::PredictableSubstitutions => Msg::SuggestSubstitutions,
        Suggestion::LongerKeyboardPattern => Msg::SuggestLongerKeyboard,
        Suggestion::AvoidRepeats => Msg::SuggestAvoidRepeats,
        Suggestion::AvoidSequences => Msg::SuggestAvoidSequences,
        Suggestion::AvoidRecentYears => Msg::SuggestAvoidRecentYears,
        Suggestion::AvoidYearsAssociatedWithYou => Msg::SuggestAvoidYears,
        Suggestion::AvoidDatesAssociatedWithYou => Msg::SuggestAvoidDates,
    }
}

#[cfg(feature = "hydrate")]
mod scorer {
    use std::cell::RefCell;
    use std::rc::Rc;
    use strength::{Answer, Request, READY};
    use wasm_bindgen::prelude::*;
    use web_sys::{MessageEvent, Worker};

    struct State {
        ready: bool,
        seq: u32,
        /// The latest request made before the worker was ready.
        pending: Option<String>,
    }

    /// The page's end of the worker.
    pub struct Scorer {
        worker: Worker,
        state: Rc<RefCell<State>>,
    }

    impl Scorer {
        pub fn start(on_answer: impl Fn(Answer) + 'static) -> Option<Self> {
            let worker = Worker::new(super::WORKER_URL).ok()?;
            let state = Rc::new(RefCell::new(State { ready: false, seq: 0, pending: None }));
            let on_message = {
                let state = Rc::clone(&state);
                let worker = worker.clone();
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    let Some(text) = event.data().as_string() else { return };
                    if text == READY {
                        let pending = {
                            let mut state = state.borrow_mut();
                            state.ready = true;
                            state.pending.take()
                        };
                        if let Some(request) = pending {
                            let _ = worker.post_message(&JsValue::from_str(&request));
                        }
                        return;
                    }
                    let Ok(answer) = serde_json::from_str::<Answer>(&text) else { return };
                    // Answers to keystrokes the person has typed past are dropped.
                    if answer.seq == state.borrow().seq {
                        on_answer(answer);
                    }
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            Some(Scorer { worker, state })
        }

        pub fn score(&self, password: String, user_inputs: Vec<String>) {
            let mut state = self.state.borrow_mut();
            state.seq = state.seq.wrapping_add(1);
            let Ok(request) = serde_json::to_string(&Request { seq: state.seq, password, user_inputs }) else { return };
            if state.ready {
                let _ = self.worker.post_message(&JsValue::from_str(&request));
            } else {
                state.pending = Some(request);
            }
        }
    }
}
