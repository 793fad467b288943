//! The translation layer: every string a person sees is a [`Msg`], rendered in a [`Lang`].
//!
//! The Dutch wording follows the Dutch user documentation (`shared/seeds/003_…`).
//! A missing translation is a compile error, not a blank on the screen.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// The language's own name, as shown in the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim();
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("nl") {
            Some(Lang::Nl)
        } else {
            None
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(tag) = parts.next() else { continue };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The language of the page being rendered. On the server it is in context; an island in the
/// browser reads it from `<html lang>`, which the server wrote.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(page_lang)
}

#[cfg(feature = "hydrate")]
fn page_lang() -> Lang {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
fn page_lang() -> Lang {
    Lang::default()
}

/// Renders a message in the page's language. In the browser only the [`Phrases`] an island
/// was sent are known: the translation table itself stays on the server.
pub fn t(msg: Msg) -> &'static str {
    #[cfg(feature = "hydrate")]
    {
        browser::phrase(msg)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        msg.text(use_lang())
    }
}

/// The texts an island may show, translated on the server and sent along with the island's
/// props. Shipping the whole table (both languages) would make it most of the WASM bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrases(Vec<(Msg, String)>);

impl Phrases {
    /// `msgs` in the page's language (on the server, where the table is). The browser never
    /// calls it; its empty browser build keeps the password bundle 0.5 KB smaller.
    pub fn of(msgs: impl IntoIterator<Item = Msg>) -> Self {
        #[cfg(not(feature = "hydrate"))]
        {
            let lang = use_lang();
            let mut phrases: Vec<(Msg, String)> = Vec::new();
            for msg in msgs {
                if !phrases.iter().any(|(known, _)| *known == msg) {
                    phrases.push((msg, msg.text(lang).to_owned()));
                }
            }
            Phrases(phrases)
        }
        #[cfg(feature = "hydrate")]
        {
            let _ = msgs;
            Phrases::default()
        }
    }

    /// Makes these the texts [`t`] returns in the browser; an island's first step.
    pub fn install(self) {
        #[cfg(feature = "hydrate")]
        browser::install(self.0);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Msg;
    use std::cell::RefCell;

    thread_local! {
        // Installed once per page load, so leaking them to `&'static str` costs a few KB once.
        // A list, not a map: a few dozen entries, and one hash table type fewer in the bundle.
        static PHRASES: RefCell<Vec<(Msg, &'static str)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn install(phrases: Vec<(Msg, String)>) {
        PHRASES.with_borrow_mut(|known| {
            for (msg, text) in phrases {
                if !known.iter().any(|(k, _)| *k == msg) {
                    known.push((msg, Box::leak(text.into_boxed_str())));
                }
            }
        });
    }

    pub fn phrase(msg: Msg) -> &'static str {
        PHRASES.with_borrow(|known| known.iter().find(|(k, _)| *k == msg).map(|(_, text)| *text)).unwrap_or_else(|| {
            // A plain string: formatting the message's number would cost the bundle a formatter.
            web_sys::console::warn_1(&"an island was not sent the text of a message it shows".into());
            ""
        })
    }
}

/// Renders a message with `{name}` placeholders filled in.
pub fn tf(msg: Msg, args: &[(&str, &str)]) -> String {
    fill(msg.text(use_lang()), args)
}

pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

macro_rules! messages {
    ($($key:ident => $en:literal, $nl:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every message, in declaration order: a message travels as its index here.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::Nl) => $nl,)*
                }
            }
        }
    };
}

// A message crosses to the browser as its number: its name would cost the bundle a table of
// every name. Server and browser are built from the same source, so the numbers agree.
impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(*self as u16)
    }
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let index = u16::deserialize(deserializer)?;
        Msg::ALL.get(usize::from(index)).copied().ok_or_else(|| serde::de::Error::custom("unknown message"))
    }
}

messages! {
    ProductName => "Frontdoor", "Frontdoor";
    Language => "Language", "Taal";

    // Login
    LoginHeading => "Log in", "Aanmelden";
    UserId => "User ID", "Gebruikers-ID";
    UserIdHint => "Online users: your email address. Windows users: your assigned user name.",
        "Online gebruikers: uw e-mailadres. Windows-gebruikers: uw toegewezen gebruikersnaam.";
    Password => "Password", "Wachtwoord";
    LogIn => "Log in", "Aanmelden";
    ForgotPassword => "Forgot your password?", "Wachtwoord vergeten?";
    LoggedOut => "You are logged out.", "U bent afgemeld.";
    SessionEnded => "Your session has ended. Log in again to continue.",
        "Uw sessie is beëindigd. Meld u opnieuw aan om verder te gaan.";

    // Login errors
    WrongCredentials => "Wrong user ID or password", "Onjuiste gebruikers-ID of onjuist wachtwoord";
    AccountNotActive => "Your account is not active. Contact your administrator.",
        "Uw account is niet actief. Neem contact op met uw beheerder.";
    NoCrmRight => "Your role does not include the CRM. Contact your administrator.",
        "Uw rol geeft geen toegang tot het CRM. Neem contact op met uw beheerder.";
    EnterUserId => "Enter your user ID.", "Voer uw gebruikers-ID in.";
    EnterPassword => "Enter your password.", "Voer uw wachtwoord in.";
    UserIdTooLong => "A user ID has at most 254 characters.", "Een gebruikers-ID heeft maximaal 254 tekens.";
    PasswordTooLong => "A password has at most 128 characters.", "Een wachtwoord heeft maximaal 128 tekens.";
    TooManyAttempts => "Too many login attempts from your network. Wait a minute and try again.",
        "Te veel aanmeldpogingen vanaf uw netwerk. Wacht een minuut en probeer het opnieuw.";
    ServerBusy => "The server is busy. Try again in a moment.",
        "De server is bezet. Probeer het zo opnieuw.";
    Unexpected => "Something went wrong on our side. Try again; if it keeps happening, contact your administrator.",
        "Er ging bij ons iets mis. Probeer het opnieuw; blijft het gebeuren, neem dan contact op met uw beheerder.";
    TryAgainLater => "Frontdoor cannot reach its storage just now. Nothing was lost: try again in a moment.",
        "Frontdoor kan zijn opslag nu niet bereiken. Er is niets verloren gegaan: probeer het zo opnieuw.";
    ErrorReference => "Reference: {id}", "Referentie: {id}";
    TwoSessionCookies => "Your browser sent two session cookies for this site. Clear this site's cookies and log in again.",
        "Uw browser stuurde twee sessiecookies voor deze site. Wis de cookies van deze site en meld u opnieuw aan.";
    FormUnreadable => "The form could not be read. Reload the page and try again.",
        "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nogmaals.";

    // Forgot password
    ForgotHeading => "Forgot your password?", "Wachtwoord vergeten?";
    ForgotContactAdmin => "Contact your administrator to receive a new password.",
        "Neem contact op met uw beheerder om een nieuw wachtwoord te ontvangen.";
    ForgotIntro => "Enter the email address of your account. We will send you a link to choose a new password.",
        "Voer het e-mailadres van uw account in. We sturen u een link om een nieuw wachtwoord te kiezen.";
    EmailAddress => "Email address", "E-mailadres";
    ResetPasswordButton => "Reset Password", "Reset wachtwoord";
    ForgotSent => "Check your email. If an account uses the address you entered, we have sent it a link to choose a new password. The link works for {minutes} minutes.",
        "Controleer uw e-mail. Als een account het opgegeven adres gebruikt, hebben we er een link naartoe gestuurd om een nieuw wachtwoord te kiezen. De link werkt {minutes} minuten.";
    EnterEmail => "Enter your email address.", "Voer uw e-mailadres in.";
    NotAnEmail => "Enter an email address like name@example.com.", "Voer een e-mailadres in zoals naam@voorbeeld.nl.";
    TooManyResetRequests => "Too many reset requests. Wait five minutes and try again.",
        "Te veel resetverzoeken. Wacht vijf minuten en probeer het opnieuw.";

    // Choosing a password: activation, reset, change
    ActivateHeading => "Activate account", "Account activeren";
    ActivateIntro => "Welcome, {name}. Choose the password for your account {login} in {tenant}.",
        "Welkom, {name}. Kies het wachtwoord voor uw account {login} bij {tenant}.";
    ConfirmPassword => "Confirm password", "Wachtwoord bevestigen";
    Activate => "Activate", "Activeren";
    ResetHeading => "Reset password", "Wachtwoord opnieuw instellen";
    ResetIntro => "Choose a new password for your account {login} in {tenant}. You will be logged out everywhere.",
        "Kies een nieuw wachtwoord voor uw account {login} bij {tenant}. U wordt overal afgemeld.";
    RepeatPassword => "Repeat password", "Herhaal wachtwoord";
    Reset => "Reset", "Opnieuw instellen";
    PasswordWasReset => "Your password is changed. Log in with your new password.",
        "Uw wachtwoord is gewijzigd. Meld u aan met uw nieuwe wachtwoord.";
    ChangePasswordIntro => "Changing your password logs you out everywhere else.",
        "Als u uw wachtwoord wijzigt, wordt u overal elders afgemeld.";
    CurrentPassword => "Current password", "Huidig wachtwoord";
    NewPassword => "New password", "Nieuw wachtwoord";
    Ok => "OK", "OK";
    PasswordChanged => "Your password is changed. You are logged out everywhere else.",
        "Uw wachtwoord is gewijzigd. U bent overal elders afgemeld.";
    PasswordRules => "Use 8 to 128 characters. A few unusual words are easier to remember than symbols, and harder to guess.",
        "Gebruik 8 tot 128 tekens. Een paar ongebruikelijke woorden zijn makkelijker te onthouden dan symbolen, en moeilijker te raden.";
    LinkInvalidHeading => "This link is no longer valid", "Deze link is niet meer geldig";
    LinkInvalidActivation => "This link is no longer valid: it was used already, it expired, or a newer one was sent. If your account is active, log in. Otherwise ask your administrator to send the activation email again.",
        "Deze link is niet meer geldig: hij is al gebruikt, verlopen, of er is een nieuwere verstuurd. Is uw account actief, meld u dan aan. Vraag anders uw beheerder de activeringsmail opnieuw te sturen.";
    LinkInvalidReset => "This link is no longer valid: it was used already, it expired, or a newer one was sent. Ask for a new link below, or log in if you know your password.",
        "Deze link is niet meer geldig: hij is al gebruikt, verlopen, of er is een nieuwere verstuurd. Vraag hieronder een nieuwe link aan, of meld u aan als u uw wachtwoord weet.";
    AskForNewLink => "Send me a new link", "Stuur mij een nieuwe link";
    SsoOnlyPassword => "Your account signs in with single sign-on, so its password is managed by your organisation's identity provider, not here.",
        "Uw account meldt zich aan met eenmalige aanmelding. Het wachtwoord wordt daarom beheerd door de identiteitsprovider van uw organisatie, niet hier.";

    // Password policy
    EnterNewPassword => "Enter a password.", "Voer een wachtwoord in.";
    PasswordTooShort => "A password has at least 8 characters.", "Een wachtwoord heeft minimaal 8 tekens.";
    PasswordsDiffer => "The two passwords are not the same.", "De twee wachtwoorden zijn niet gelijk.";
    PasswordContainsPersonal => "Do not use your name, email address or user ID in your password.",
        "Gebruik uw naam, e-mailadres of gebruikers-ID niet in uw wachtwoord.";
    PasswordTooWeak => "This password is too easy to guess. Choose one rated Good or Strong.",
        "Dit wachtwoord is te makkelijk te raden. Kies er een met de beoordeling Goed of Sterk.";
    EnterCurrentPassword => "Enter your current password.", "Voer uw huidige wachtwoord in.";
    WrongCurrentPassword => "The current password is not right.", "Het huidige wachtwoord klopt niet.";

    // Strength meter
    PasswordStrength => "Password strength", "Wachtwoordsterkte";
    StrengthWeak => "Weak", "Zwak";
    StrengthFair => "Fair", "Redelijk";
    StrengthGood => "Good", "Goed";
    StrengthStrong => "Strong", "Sterk";
    WarnStraightRows => "Straight rows of keys are easy to guess.", "Rechte rijen toetsen zijn makkelijk te raden.";
    WarnShortKeyboard => "Short keyboard patterns are easy to guess.", "Korte toetsenbordpatronen zijn makkelijk te raden.";
    WarnRepeatsAaa => "Repeats like \"aaa\" are easy to guess.", "Herhalingen zoals \"aaa\" zijn makkelijk te raden.";
    WarnRepeatsAbcAbc => "Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".",
        "Herhalingen zoals \"abcabcabc\" zijn maar iets moeilijker te raden dan \"abc\".";
    WarnTop10 => "This is a top-10 common password.", "Dit is een van de tien meest gebruikte wachtwoorden.";
    WarnTop100 => "This is a top-100 common password.", "Dit is een van de honderd meest gebruikte wachtwoorden.";
    WarnCommon => "This is a very common password.", "Dit is een veelgebruikt wachtwoord.";
    WarnSimilarCommon => "This is similar to a commonly used password.", "Dit lijkt op een veelgebruikt wachtwoord.";
    WarnSequences => "Sequences like \"abc\" or \"6543\" are easy to guess.", "Reeksen zoals \"abc\" of \"6543\" zijn makkelijk te raden.";
    WarnRecentYears => "Recent years are easy to guess.", "Recente jaartallen zijn makkelijk te raden.";
    WarnWordByItself => "A word by itself is easy to guess.", "Een los woord is makkelijk te raden.";
    WarnDates => "Dates are often easy to guess.", "Datums zijn vaak makkelijk te raden.";
    WarnNamesByThemselves => "Names and surnames by themselves are easy to guess.", "Losse voor- en achternamen zijn makkelijk te raden.";
    WarnCommonNames => "Common names and surnames are easy to guess.", "Veelvoorkomende voor- en achternamen zijn makkelijk te raden.";
    SuggestFewWords => "Use a few words, avoid common phrases.", "Gebruik een paar woorden en vermijd bekende uitdrukkingen.";
    SuggestNoSymbols => "No need for symbols, digits, or uppercase letters.", "Symbolen, cijfers of hoofdletters zijn niet nodig.";
    SuggestAnotherWord => "Add another word or two. Uncommon words are better.", "Voeg nog een of twee woorden toe. Ongebruikelijke woorden zijn beter.";
    SuggestCapitalization => "Capitalization doesn't help very much.", "Hoofdletters helpen niet veel.";
    SuggestAllUppercase => "All-uppercase is almost as easy to guess as all-lowercase.", "Alleen hoofdletters is bijna even makkelijk te raden als alleen kleine letters.";
    SuggestReversed => "Reversed words aren't much harder to guess.", "Omgekeerde woorden zijn niet veel moeilijker te raden.";
    SuggestSubstitutions => "Predictable substitutions like '@' instead of 'a' don't help very much.",
        "Voorspelbare vervangingen zoals '@' in plaats van 'a' helpen niet veel.";
    SuggestLongerKeyboard => "Use a longer keyboard pattern with more turns.", "Gebruik een langer toetsenbordpatroon met meer bochten.";
    SuggestAvoidRepeats => "Avoid repeated words and characters.", "Vermijd herhaalde woorden en tekens.";
    SuggestAvoidSequences => "Avoid sequences.", "Vermijd reeksen.";
    SuggestAvoidRecentYears => "Avoid recent years.", "Vermijd recente jaartallen.";
    SuggestAvoidYears => "Avoid years that are associated with you.", "Vermijd jaartallen die met u te maken hebben.";
    SuggestAvoidDates => "Avoid dates and years that are associated with you.", "Vermijd datums en jaartallen die met u te maken hebben.";

    // Email
    MailGreeting => "Hello {name},", "Beste {name},";
    MailActivationSubject => "Activate your account for {tenant}", "Activeer uw account voor {tenant}";
    MailActivationBody => "Your administrator has added you as a user of {tenant}. Your user ID is {login}. Click Activate now to choose your password and start.",
        "Uw beheerder heeft u toegevoegd als gebruiker van {tenant}. Uw gebruikers-ID is {login}. Klik op Nu activeren om uw wachtwoord te kiezen en te beginnen.";
    ActivateNow => "Activate now", "Nu activeren";
    MailActivationValidity => "The link works once, for {hours} hours.", "De link werkt één keer, gedurende {hours} uur.";
    MailActivationIgnore => "If you did not expect this email, you can ignore it.", "Als u deze e-mail niet verwachtte, kunt u hem negeren.";
    MailResetSubject => "Reset your password", "Uw wachtwoord opnieuw instellen";
    MailResetBody => "Someone asked to reset the password of your account {login} in {tenant}. If that was you, choose a new password:",
        "Iemand heeft gevraagd het wachtwoord van uw account {login} bij {tenant} opnieuw in te stellen. Was u dat, kies dan een nieuw wachtwoord:";
    MailResetButton => "Choose a new password", "Kies een nieuw wachtwoord";
    MailResetValidity => "The link works once, for {minutes} minutes.", "De link werkt één keer, gedurende {minutes} minuten.";
    MailResetIgnore => "If you did not ask for this, ignore this email: your password stays as it is.",
        "Heeft u hier niet om gevraagd, negeer deze e-mail dan: uw wachtwoord blijft zoals het is.";
    MailChangedSubject => "Your password was changed", "Uw wachtwoord is gewijzigd";
    MailChangedBody => "The password of your account {login} in {tenant} was changed on {when} (UTC). You have been logged out of your other sessions.",
        "Het wachtwoord van uw account {login} bij {tenant} is gewijzigd op {when} (UTC). U bent afgemeld bij uw andere sessies.";
    MailChangedNotYou => "If you did not do this, contact your administrator at once.",
        "Heeft u dit niet gedaan, neem dan direct contact op met uw beheerder.";

    BackToLogin => "Back to log in", "Terug naar aanmelden";

    // Test mode (other teams' end-to-end suites)
    TestModeLabel => "Test mode", "Testmodus";
    TestModeBanner => "Test mode is on: this Frontdoor is for automated tests, not for real accounts.",
        "Testmodus staat aan: deze Frontdoor is voor geautomatiseerde tests, niet voor echte accounts.";

    // CRM start page
    CrmTitle => "CRM", "CRM";
    Navigator => "Navigator", "Navigator";
    Service => "Service", "Service";
    SettingsAndMaintenance => "Settings and maintenance", "Instellingen en onderhoud";
    PersonalSettings => "Personal settings", "Persoonlijke instellingen";
    ChangePassword => "Change password", "Wachtwoord wijzigen";
    Sessions => "Sessions", "Sessies";
    LogOut => "Log out", "Afmelden";
    Welcome => "Welcome, {name}", "Welkom, {name}";
    SignedInTo => "You are logged in to {tenant}.", "U bent aangemeld bij {tenant}.";

    CrossSiteRefused => "This request came from another site and was refused. Open Frontdoor directly and try again.",
        "Dit verzoek kwam van een andere site en is geweigerd. Open Frontdoor rechtstreeks en probeer het opnieuw.";
    RequestTooLarge => "The request is too large. Forms here hold a few short fields.",
        "Het verzoek is te groot. Formulieren hier bevatten een paar korte velden.";

    // Sessions
    SessionsHeading => "Sessions", "Sessies";
    SessionsIntro => "Where you are logged in now. Log out of any session you do not recognise.",
        "Waar u nu bent aangemeld. Meld u af bij elke sessie die u niet herkent.";
    ColumnBrowser => "Browser", "Browser";
    ColumnApp => "App", "App";
    ColumnAddress => "Address", "Adres";
    ColumnStarted => "Started", "Gestart";
    ColumnLastSeen => "Last seen", "Laatst gezien";
    ThisSession => "This session", "Deze sessie";
    LogOutEverywhereElse => "Log out everywhere else", "Overal elders afmelden";
    LogOutEverywhereElseIntro => "To log out everywhere else, confirm with your password.",
        "Bevestig met uw wachtwoord om u overal elders af te melden.";
    SessionLoggedOut => "That session is logged out.", "Die sessie is afgemeld.";
    OthersLoggedOut => "You are logged out everywhere else.", "U bent overal elders afgemeld.";
    AppCrm => "CRM", "CRM";
    AppService => "Service", "Service";

    // Service
    ServiceLoginIntro => "Log in to Service as {name} ({tenant}).", "Meld u aan bij Service als {name} ({tenant}).";
    NoServiceRight => "Your role does not include Service. Contact your administrator.",
        "Uw rol geeft geen toegang tot Service. Neem contact op met uw beheerder.";
    ServiceSessionEnded => "Your Service session has ended. Log in again to continue.",
        "Uw Service-sessie is beëindigd. Meld u opnieuw aan om verder te gaan.";
    LoggedOutOfService => "You are logged out of Service.", "U bent afgemeld bij Service.";
    Dashboard => "Dashboard", "Dashboard";
    DashboardIntro => "{name} · {tenant}", "{name} · {tenant}";
    OpeningService => "Opening Service…", "Service wordt geopend…";
    Continue => "Continue", "Doorgaan";
    TicketInvalid => "This way into Service is no longer valid: it was used already, it expired, or it was not meant for Service.",
        "Deze toegang tot Service is niet meer geldig: hij is al gebruikt, verlopen, of was niet voor Service bedoeld.";
    BackToCrm => "Back to the CRM to choose Service again", "Terug naar het CRM om opnieuw Service te kiezen";

    // Log out on a phone
    AreYouSure => "Are you sure?", "Weet u het zeker?";
    LogOutOfCrmQuestion => "Log out of the CRM on this device?", "Afmelden bij het CRM op dit apparaat?";
    LogOutOfServiceQuestion => "Log out of Service on this device?", "Afmelden bij Service op dit apparaat?";
    Yes => "Yes", "Ja";
    No => "No", "Nee";

    // Reset login: one email in several tenants
    ResetLogin => "Reset login", "Aanmelding herstellen";
    ResetLoginIntro => "Enter your email address. We will send you a code, and then you choose the tenant to log in to.",
        "Voer uw e-mailadres in. We sturen u een code, en daarna kiest u de tenant waarbij u zich aanmeldt.";
    Code => "Code", "Code";
    CodeIntro => "If the address belongs to an account, we have sent it an 8-digit code. It works once, for 10 minutes.",
        "Als het adres bij een account hoort, hebben we er een code van 8 cijfers naartoe gestuurd. Die werkt één keer, 10 minuten lang.";
    EnterCode => "Enter the code from the email.", "Voer de code uit de e-mail in.";
    WrongCode => "That code is not right. Check the email and try again.",
        "Die code klopt niet. Controleer de e-mail en probeer het opnieuw.";
    CodeDead => "This code no longer works: it was used, replaced by a newer one, expired or tried too often. Ask for a new code.",
        "Deze code werkt niet meer: hij is gebruikt, vervangen door een nieuwere, verlopen of te vaak geprobeerd. Vraag een nieuwe code aan.";
    AskForNewCode => "Ask for a new code", "Vraag een nieuwe code aan";
    TooManyCodeRequests => "Too many requests. Wait five minutes and try again.",
        "Te veel aanvragen. Wacht vijf minuten en probeer het opnieuw.";
    ChooseTenant => "Choose tenant", "Kies een tenant";
    ChooseTenantIntro => "{email} is a user in these tenants. Choose the one to log in to:",
        "{email} is gebruiker bij deze tenants. Kies waarbij u zich wilt aanmelden:";
    NoTenants => "There is no active account with this address. Contact your administrator.",
        "Er is geen actief account met dit adres. Neem contact op met uw beheerder.";
    OtherTenants => "You are in {tenant}. This email address is also used in other tenants.",
        "U bent in {tenant}. Dit e-mailadres wordt ook bij andere tenants gebruikt.";
    MailCodeSubject => "Your code to reset your login", "Uw code om uw aanmelding te herstellen";
    MailCodeBody => "Someone asked to reset the login for {email}. If that was you, enter this code:",
        "Iemand heeft gevraagd de aanmelding voor {email} te herstellen. Was u dat, voer dan deze code in:";
    MailCodeValidity => "The code works once, for {code_minutes} minutes. It does not log you in by itself: you choose a tenant and then give your password.",
        "De code werkt één keer, {code_minutes} minuten lang. Hij meldt u niet zelf aan: u kiest een tenant en geeft daarna uw wachtwoord.";
    MailCodeIgnore => "If you did not ask for this, ignore this email: nothing changes.",
        "Hebt u hier niet om gevraagd, negeer deze e-mail dan: er verandert niets.";

    // Settings and maintenance
    SettingsLoginIntro => "Enter your user ID and password and click OK.",
        "Voer uw gebruikers-ID en wachtwoord in en klik op OK.";
    NoSettingsRight => "Your role does not include Settings and maintenance. Contact your administrator.",
        "Uw rol geeft geen toegang tot Instellingen en onderhoud. Neem contact op met uw beheerder.";
    TemporaryPasswordFirst => "Your password is temporary. Log in to the CRM with it and choose your own first.",
        "Uw wachtwoord is tijdelijk. Meld u ermee aan bij het CRM en kies eerst uw eigen wachtwoord.";
    SettingsSessionEnded => "Your Settings and maintenance session has ended. Log in again to continue.",
        "Uw sessie voor Instellingen en onderhoud is beëindigd. Meld u opnieuw aan om verder te gaan.";
    LoggedOutOfSettings => "You are logged out of Settings and maintenance.", "U bent afgemeld bij Instellingen en onderhoud.";
    LogOutOfSettingsQuestion => "Log out of Settings and maintenance on this device?",
        "Afmelden bij Instellingen en onderhoud op dit apparaat?";
    SettingsWelcome => "Maintain the users and roles of {tenant}, and read its audit log.",
        "Beheer de gebruikers en rollen van {tenant} en lees het auditlogboek.";
    ToCrm => "Back to the CRM", "Terug naar het CRM";
    TermsTitle => "Terms of Service amendment", "Wijzigingen van de Servicevoorwaarden";
    TermsIntro => "Please read this important information, then tick Accept and click OK to continue using Settings and maintenance.",
        "Leest u alstublieft deze belangrijke informatie, vink daarna Accepteren aan en klik op OK om verder te gaan met Instellingen en onderhoud.";
    Accept => "Accept", "Accepteren";
    TickAccept => "Tick Accept to continue.", "Vink Accepteren aan om verder te gaan.";
    Users => "Users", "Gebruikers";
    Roles => "Roles", "Rollen";
    AuditLog => "Audit log", "Auditlogboek";
    Search => "Search", "Zoeken";
    SearchHint => "Part of a name or user ID", "Deel van een naam of gebruikers-ID";
    Status => "Status", "Status";
    AllStatuses => "All", "Alle";
    StatusInvited => "Invited", "Uitgenodigd";
    StatusActive => "Active", "Actief";
    StatusDeactivated => "Deactivated", "Gedeactiveerd";
    InvitedUntil => "link valid until {time}", "link geldig tot {time}";
    Name => "Name", "Naam";
    ColumnRole => "Role", "Rol";
    ColumnLastLogin => "Last login", "Laatste aanmelding";
    ColumnActions => "Actions", "Acties";
    Never => "Never", "Nooit";
    NoUsersFound => "No users match.", "Geen gebruikers gevonden.";
    PreviousPage => "Previous page", "Vorige pagina";
    NextPage => "Next page", "Volgende pagina";
    PageNumber => "Page {page}", "Pagina {page}";
    AddUser => "Add user", "Gebruiker toevoegen";
    UserName => "User name", "Gebruikersnaam";
    Role => "Role", "Rol";
    SendInvitation => "Send invitation", "Uitnodiging versturen";
    AddUserOnsiteHint => "The user is added as invited. Give them a password with Set password.",
        "De gebruiker wordt als uitgenodigd toegevoegd. Geef een wachtwoord met Wachtwoord instellen.";
    EnterName => "Enter the name.", "Voer de naam in.";
    NameTooLong => "The name is too long: at most 200 characters.", "De naam is te lang: hoogstens 200 tekens.";
    EnterUserName => "Enter the user name.", "Voer de gebruikersnaam in.";
    UserExists => "This tenant already has a user with that user ID.", "Deze tenant heeft al een gebruiker met die gebruikers-ID.";
    ChooseRole => "Choose one of the roles.", "Kies een van de rollen.";
    ResendActivation => "Resend activation", "Activering opnieuw versturen";
    Deactivate => "Deactivate", "Deactiveren";
    ActivateUser => "Activate", "Activeren";
    EndSessions => "End sessions", "Sessies beëindigen";
    ChangeRole => "Change role", "Rol wijzigen";
    SetPassword => "Set password", "Wachtwoord instellen";
    TemporaryPasswordShown => "Temporary password for {user}: {password} — give it to them yourself. They must change it when they log in. It is not shown again.",
        "Tijdelijk wachtwoord voor {user}: {password} — geef het zelf door. De gebruiker moet het bij de aanmelding wijzigen. Het wordt niet opnieuw getoond.";
    TemporaryPasswordNotice => "Your password is temporary. Choose your own to continue.",
        "Uw wachtwoord is tijdelijk. Kies uw eigen wachtwoord om verder te gaan.";
    OutcomeInvited => "The invitation is on its way.", "De uitnodiging is onderweg.";
    OutcomeInvitationResent => "The activation email is sent again; the older link no longer works.",
        "De activeringsmail is opnieuw verstuurd; de oudere link werkt niet meer.";
    OutcomeDeactivated => "The user is deactivated and logged out everywhere.", "De gebruiker is gedeactiveerd en overal afgemeld.";
    OutcomeActivated => "The user is active again.", "De gebruiker is weer actief.";
    OutcomeSessionsEnded => "The user's sessions are ended.", "De sessies van de gebruiker zijn beëindigd.";
    OutcomeRoleAssigned => "The user's role is changed.", "De rol van de gebruiker is gewijzigd.";
    OutcomeRoleCreated => "The role is created.", "De rol is gemaakt.";
    OutcomeRoleSaved => "The role is saved.", "De rol is opgeslagen.";
    OutcomeRoleDeleted => "The role is deleted.", "De rol is verwijderd.";
    RefusedLastAdmin => "Not done: nobody would be left who can log in to Settings and maintenance. Give another active user that right first.",
        "Niet uitgevoerd: er blijft dan niemand over die zich bij Instellingen en onderhoud kan aanmelden. Geef eerst een andere actieve gebruiker dat recht.";
    RefusedNotYourself => "You cannot deactivate yourself.", "U kunt uzelf niet deactiveren.";
    RefusedRoleInUse => "The role has users. Give them another role first.", "De rol heeft gebruikers. Geef hun eerst een andere rol.";
    RefusedRoleNameTaken => "Another role already has that name.", "Een andere rol heeft die naam al.";
    RefusedRoleNameMissing => "Enter a name for the role (at most 100 characters).", "Voer een naam voor de rol in (hoogstens 100 tekens).";
    RefusedNotInvited => "Only an invited user with an email address can be sent the activation again.",
        "Alleen een uitgenodigde gebruiker met een e-mailadres kan de activering opnieuw ontvangen.";
    RefusedNoSuchUser => "There is no such user or role here.", "Die gebruiker of rol bestaat hier niet.";
    UserLevel => "User level", "Gebruikersniveau";
    Rights => "Rights", "Rechten";
    RightCrm => "Log in to CRM", "Aanmelden bij CRM";
    RightService => "Log in to Service", "Aanmelden bij Service";
    RightSettings => "Log in to Settings and maintenance", "Aanmelden bij Instellingen en onderhoud";
    ColumnUsers => "Users", "Gebruikers";
    NewRole => "New role", "Nieuwe rol";
    CreateRole => "Create role", "Rol maken";
    Save => "Save", "Opslaan";
    Delete => "Delete", "Verwijderen";
    Kind => "Kind", "Soort";
    AllKinds => "All", "Alle";
    DateFrom => "From", "Van";
    DateTo => "To", "Tot en met";
    Filter => "Filter", "Filteren";
    ColumnTime => "Time", "Tijd";
    ColumnEvent => "Event", "Gebeurtenis";
    ColumnOutcome => "Outcome", "Resultaat";
    ColumnUser => "User", "Gebruiker";
    ColumnActor => "By", "Door";
    ColumnDetail => "Detail", "Detail";
    NoAuditEvents => "No events match.", "Geen gebeurtenissen gevonden.";
    AuditReadOnly => "Newest first. The log is read-only; times are UTC.", "Nieuwste eerst. Het logboek is alleen-lezen; tijden in UTC.";

    // Single sign-on
    LogInWith => "Log in with {name}", "Aanmelden met {name}";
    ActivateWith => "Activate with {name}", "Activeren met {name}";
    SsoProviders => "Single sign-on", "Eenmalige aanmelding";
    OrWithPassword => "Or with your password", "Of met uw wachtwoord";
    OrChoosePassword => "Or choose a password", "Of kies een wachtwoord";
    ActivateWithProviderIntro => "Activate the account of {name} ({login}) in {tenant} by signing in with your organisation's account.",
        "Activeer het account van {name} ({login}) in {tenant} door u aan te melden met het account van uw organisatie.";
    SsoAttemptInvalid => "This login attempt is no longer valid: it was used already, it took longer than 10 minutes, or it was started in another browser. Start again from the login page.",
        "Deze aanmeldpoging is niet meer geldig: ze is al gebruikt, duurde langer dan 10 minuten of is in een andere browser gestart. Begin opnieuw op de aanmeldpagina.";
    SsoCancelled => "You cancelled logging in at {provider}. Nothing has changed.",
        "U hebt het aanmelden bij {provider} geannuleerd. Er is niets gewijzigd.";
    SsoRejected => "{provider} did not confirm this login. Start again from the login page.",
        "{provider} heeft deze aanmelding niet bevestigd. Begin opnieuw op de aanmeldpagina.";
    SsoProviderUnavailable => "{provider} cannot be reached just now. Try again in a moment; if it keeps happening, contact your administrator.",
        "{provider} is nu niet bereikbaar. Probeer het zo opnieuw; blijft het gebeuren, neem dan contact op met uw beheerder.";
    SsoTokenInvalid => "The answer from {provider} could not be verified, so you are not logged in. Start again; if it keeps happening, contact your administrator.",
        "Het antwoord van {provider} kon niet worden gecontroleerd, dus u bent niet aangemeld. Begin opnieuw; blijft het gebeuren, neem dan contact op met uw beheerder.";
    SsoEmailNotVerified => "{provider} has not verified your email address, so it cannot be matched to a user. Verify it there, or contact your administrator.",
        "{provider} heeft uw e-mailadres niet geverifieerd, dus het kan niet aan een gebruiker worden gekoppeld. Verifieer het daar, of neem contact op met uw beheerder.";
    SsoNoAccount => "There is no active user for {email} in {tenant}. Ask your administrator to add you.",
        "Er is geen actieve gebruiker voor {email} in {tenant}. Vraag uw beheerder om u toe te voegen.";
    SsoWrongAccount => "You signed in at {provider} as {email}, but this invitation is for another address. Sign in there with the invited account.",
        "U hebt zich bij {provider} aangemeld als {email}, maar deze uitnodiging is voor een ander adres. Meld u daar aan met het uitgenodigde account.";
    SsoMisconfigured => "Single sign-on with {provider} is not set up correctly. Contact your administrator.",
        "Eenmalige aanmelding met {provider} is niet goed ingesteld. Neem contact op met uw beheerder.";
    SsoLinkInvalid => "This activation link is no longer valid: it was used already, it expired, or a newer one was sent. Ask your administrator to send the activation email again.",
        "Deze activeringslink is niet meer geldig: hij is al gebruikt, verlopen of er is een nieuwere verstuurd. Vraag uw beheerder om de activeringsmail opnieuw te versturen.";
    HomeRealmUnavailable => "Your organisation's sign-in service cannot be reached just now. Try again in a moment.",
        "De aanmeldservice van uw organisatie is nu niet bereikbaar. Probeer het zo opnieuw.";
    PasswordLoginOff => "Your organisation logs in with single sign-on only: use the button to log in with its account.",
        "Uw organisatie meldt zich alleen aan met eenmalige aanmelding: gebruik de knop om u aan te melden met het account van uw organisatie.";
    ContinueTo => "Continue to {provider}", "Verder naar {provider}";
    YourProvider => "your identity provider", "uw identiteitsprovider";
    LoggedOutSso => "You are logged out of Frontdoor. Your session at your organisation's identity provider is the provider's: on a shared computer, log out there too.",
        "U bent afgemeld bij Frontdoor. Uw sessie bij de identiteitsprovider van uw organisatie valt onder die provider: meld u op een gedeelde computer ook daar af.";

    SsoWrongProvider => "This answer is for another identity provider than the one this login went to, so it was not used. Start again from the login page.",
        "Dit antwoord is voor een andere identiteitsprovider dan die van deze aanmelding, dus het is niet gebruikt. Begin opnieuw op de aanmeldpagina.";
    SsoWrongIssuer => "This answer does not say it comes from {provider}, so it was not used. Start again from the login page.",
        "Dit antwoord zegt niet dat het van {provider} komt, dus het is niet gebruikt. Begin opnieuw op de aanmeldpagina.";
    SsoTooManyRequests => "Too many single sign-on attempts from your network. Wait a minute and try again.",
        "Te veel pogingen tot eenmalige aanmelding vanaf uw netwerk. Wacht een minuut en probeer het opnieuw.";
    LinkAccountHeading => "Link your account", "Uw account koppelen";
    LinkAccountIntro => "You signed in at {provider} with the email address of the user {login} in {tenant}. Prove once that this account is yours, and {provider} is linked to it: from then on it logs you in directly.",
        "U hebt zich bij {provider} aangemeld met het e-mailadres van de gebruiker {login} bij {tenant}. Bewijs eenmalig dat dit account van u is, dan wordt {provider} eraan gekoppeld: daarna meldt het u direct aan.";
    LinkWithPassword => "Enter the password of this account.", "Voer het wachtwoord van dit account in.";
    LinkWithCode => "Or have a code sent to the account's email address.", "Of laat een code naar het e-mailadres van het account sturen.";
    EmailMeCode => "Email me a code", "Stuur mij een code";
    LinkCodeSent => "We have sent an 8-digit code to the account's email address. It works once, for 10 minutes.",
        "We hebben een code van 8 cijfers naar het e-mailadres van het account gestuurd. Die werkt één keer, 10 minuten lang.";
    LinkAccount => "Link account", "Account koppelen";
    LinkWrongPassword => "That password is not right.", "Dat wachtwoord klopt niet.";
    LinkExpired => "This link request is no longer valid: it was used already, it took longer than 10 minutes, or it was started in another browser. Log in again.",
        "Dit koppelverzoek is niet meer geldig: het is al gebruikt, duurde langer dan 10 minuten of is in een andere browser gestart. Meld u opnieuw aan.";
    LinkTaken => "This account is linked to another account at {provider} already. Contact your administrator.",
        "Dit account is al gekoppeld aan een ander account bij {provider}. Neem contact op met uw beheerder.";
    MailLinkCodeSubject => "Your code to link a sign-in method", "Uw code om een aanmeldmethode te koppelen";
    MailLinkCodeBody => "Someone signed in with their organisation's account and asked to link it to your account {login} in {tenant}. If that was you, enter this code:",
        "Iemand heeft zich aangemeld met het account van zijn organisatie en gevraagd het te koppelen aan uw account {login} bij {tenant}. Was u dat, voer dan deze code in:";
    MailLinkCodeValidity => "The code works once, for {code_minutes} minutes.", "De code werkt één keer, {code_minutes} minuten lang.";
    MailLinkCodeIgnore => "If you did not ask for this, ignore this email: nothing is linked without the code.",
        "Hebt u hier niet om gevraagd, negeer deze e-mail dan: zonder de code wordt niets gekoppeld.";
    MailRecoveryUsedSubject => "A recovery code was used to log in", "Er is met een herstelcode aangemeld";
    MailRecoveryUsedBody => "One of your recovery codes was used to log in to your account {login} in {tenant} on {when} (UTC). Each code works once: make new ones under Personal settings → Two-step verification when few are left.",
        "Een van uw herstelcodes is gebruikt om aan te melden bij uw account {login} bij {tenant} op {when} (UTC). Elke code werkt één keer: maak nieuwe onder Persoonlijke instellingen → Verificatie in twee stappen als er nog maar weinig over zijn.";
    MailTwoStepResetSubject => "Your two-step verification was reset", "Uw verificatie in twee stappen is opnieuw ingesteld";
    MailTwoStepResetBody => "An administrator removed the authenticator app, recovery codes and passkeys of your account {login} in {tenant} on {when} (UTC), and logged you out everywhere. Set them up again under Personal settings after your next login. If you did not ask for this, contact your administrator at once.",
        "Een beheerder heeft op {when} (UTC) de authenticator-app, herstelcodes en toegangssleutels van uw account {login} bij {tenant} verwijderd en u overal afgemeld. Stel ze na uw volgende aanmelding opnieuw in onder Persoonlijke instellingen. Heeft u hier niet om gevraagd, neem dan direct contact op met uw beheerder.";
    MailPasskeyAddedSubject => "A passkey was added to your account", "Er is een toegangssleutel aan uw account toegevoegd";
    MailPasskeyAddedBody => "A passkey was added to your account {login} in {tenant} on {when} (UTC): it logs you in without your password. You see and remove your passkeys under Personal settings → Passkeys.",
        "Er is op {when} (UTC) een toegangssleutel toegevoegd aan uw account {login} bij {tenant}: daarmee meldt u zich aan zonder uw wachtwoord. Uw toegangssleutels ziet en verwijdert u onder Persoonlijke instellingen → Toegangssleutels.";
    MailLinkedSubject => "A new sign-in method was linked to your account", "Er is een nieuwe aanmeldmethode aan uw account gekoppeld";
    MailLinkedBody => "{provider} was linked to your account {login} in {tenant} on {when} (UTC): it now logs you in without your password.",
        "{provider} is op {when} (UTC) gekoppeld aan uw account {login} bij {tenant}: daarmee meldt u zich nu aan zonder uw wachtwoord.";
    SignInMethods => "Sign-in methods", "Aanmeldmethoden";
    Unlink => "Unlink {provider}", "{provider} ontkoppelen";
    OutcomePasswordSet => "The password is set; the user's sessions have ended.", "Het wachtwoord is ingesteld; de sessies van de gebruiker zijn beëindigd.";
    RefusedDeactivated => "Not done: the user is deactivated. Activate them first.", "Niet uitgevoerd: de gebruiker is gedeactiveerd. Activeer de gebruiker eerst.";
    OutcomeUnlinked => "The link to the identity provider is removed.", "De koppeling met de identiteitsprovider is verwijderd.";
    RefusedLevel => "Not done: you cannot give, change or act on a user level lower (more powerful) than your own.",
        "Niet uitgevoerd: u kunt geen gebruikersniveau lager (machtiger) dan uw eigen niveau geven, wijzigen of beheren.";
    RefusedDefaultRole => "Not done: single sign-on creates new users with this role. Choose another default role first.",
        "Niet uitgevoerd: eenmalige aanmelding maakt nieuwe gebruikers met deze rol. Kies eerst een andere standaardrol.";

    // Frontdoor as the suite's OpenID provider
    AppRequestInvalid => "This sign-in request cannot be used: the app, or the address it wants the answer at, is not registered here. Contact the app's administrator.",
        "Dit aanmeldverzoek kan niet worden gebruikt: de app, of het adres waarop die het antwoord wil, is hier niet geregistreerd. Neem contact op met de beheerder van de app.";
    AppRequestExpired => "This sign-in request is no longer valid: it took too long, or it was finished already. Go back to the app and start again.",
        "Dit aanmeldverzoek is niet meer geldig: het duurde te lang, of het is al afgerond. Ga terug naar de app en begin opnieuw.";
    AppChooseTenantIntro => "Your email address is a user in these tenants. Choose the one to use {app} with:",
        "Uw e-mailadres is gebruiker bij deze tenants. Kies waarmee u {app} wilt gebruiken:";
    ConsentQuestion => "{app} wants to know your name, email address and tenant", "{app} wil uw naam, e-mailadres en tenant weten";
    ConsentDetail => "Allow it to sign you in with your account? You can take this back under Personal settings → Sessions.",
        "Toestaan dat de app u aanmeldt met uw account? U kunt dit intrekken onder Persoonlijke instellingen → Sessies.";
    ConsentOffline => "Allow it to sign you in with your account, and to stay signed in while you are away? You can take this back under Personal settings → Sessions.",
        "Toestaan dat de app u aanmeldt met uw account en aangemeld blijft terwijl u weg bent? U kunt dit intrekken onder Persoonlijke instellingen → Sessies.";
    Allow => "Allow", "Toestaan";
    Deny => "Deny", "Weigeren";
    LogOutOfFrontdoorQuestion => "Log out of Frontdoor on this device?", "Afmelden bij Frontdoor op dit apparaat?";
    AppsWithAccess => "Apps with access", "Apps met toegang";
    AppsWithAccessIntro => "Apps you allowed to sign you in. Removing one ends its sessions too.",
        "Apps die u toestemming gaf om u aan te melden. Als u er een verwijdert, eindigen ook de sessies ervan.";
    RemoveAccess => "Remove access for {app}", "Toegang voor {app} intrekken";
    AccessRemoved => "The app no longer has access.", "De app heeft geen toegang meer.";
    Apps => "Apps", "Apps";
    AppsIntro => "The apps that sign their users in through Frontdoor. Register them with frontdoor client add.",
        "De apps die hun gebruikers via Frontdoor aanmelden. Registreer ze met frontdoor client add.";
    ColumnClientId => "Client ID", "Client-ID";
    ColumnKind => "Kind", "Soort";
    ColumnRedirectUris => "Redirect URIs", "Redirect-URI's";
    KindWeb => "Web app", "Webapp";
    KindNative => "Native app", "Native app";
    FirstParty => "The suite's own", "Eigen app van de suite";
    Partner => "Partner (asks consent)", "Partner (vraagt toestemming)";
    NoApps => "No apps are registered.", "Er zijn geen apps geregistreerd.";

    // Audit kinds, as the audit log names them
    AuditLogin => "Login", "Aanmelding";
    AuditLockout => "Soft lock", "Tijdelijke blokkering";
    AuditLogout => "Log out", "Afmelding";
    AuditActivate => "Account activated", "Account geactiveerd";
    AuditResetRequest => "Password reset asked", "Wachtwoordherstel aangevraagd";
    AuditReset => "Password reset", "Wachtwoord hersteld";
    AuditChange => "Password changed", "Wachtwoord gewijzigd";
    AuditSet => "Password set", "Wachtwoord ingesteld";
    AuditHandoff => "Service hand-off", "Overdracht naar Service";
    AuditSessionEnd => "Session ended", "Sessie beëindigd";
    AuditSessionEndOthers => "Other sessions ended", "Andere sessies beëindigd";
    AuditSessionRevoke => "Sessions revoked", "Sessies ingetrokken";
    AuditTermsAccept => "Terms accepted", "Voorwaarden geaccepteerd";
    AuditUserInvite => "User invited", "Gebruiker uitgenodigd";
    AuditUserInviteResend => "Invitation resent", "Uitnodiging opnieuw verstuurd";
    AuditUserActivate => "User activated", "Gebruiker geactiveerd";
    AuditUserDeactivate => "User deactivated", "Gebruiker gedeactiveerd";
    AuditUserRole => "Role assigned", "Rol toegewezen";
    AuditRoleCreate => "Role created", "Rol gemaakt";
    AuditRoleChange => "Role changed", "Rol gewijzigd";
    AuditRoleDelete => "Role deleted", "Rol verwijderd";
    AuditChoiceCode => "Reset login: code", "Aanmelding herstellen: code";
    AuditChoiceVerify => "Reset login: code checked", "Aanmelding herstellen: code gecontroleerd";
    AuditChoiceChoose => "Reset login: tenant chosen", "Aanmelding herstellen: tenant gekozen";
    AuditSsoStart => "Single sign-on started", "Eenmalige aanmelding gestart";
    AuditSsoLogin => "Single sign-on refused", "Eenmalige aanmelding geweigerd";
    AuditSsoLink => "Identity provider linked", "Identiteitsprovider gekoppeld";
    AuditSsoUnlink => "Identity provider unlinked", "Identiteitsprovider ontkoppeld";
    AuditUserCreate => "User created", "Gebruiker gemaakt";
    AuditProviderAdd => "Identity provider added", "Identiteitsprovider toegevoegd";
    AuditProviderRemove => "Identity provider removed", "Identiteitsprovider verwijderd";
    AuditSignInPolicy => "Sign-in policy set", "Aanmeldbeleid ingesteld";
    AuditAppToken => "App tokens", "App-tokens";
    AuditAppConsent => "App access", "Toegang van een app";
    AuditAppClient => "App registration", "App-registratie";
    AuditAppKeys => "Signing keys", "Ondertekeningssleutels";
    AuditTwoStepSetUp => "Two-step verification set up", "Verificatie in twee stappen ingesteld";
    AuditTwoStepOff => "Two-step verification turned off", "Verificatie in twee stappen uitgezet";
    AuditRecoveryCodes => "Recovery codes", "Herstelcodes";
    AuditTwoStepReset => "Two-step verification reset", "Verificatie in twee stappen opnieuw ingesteld";
    AuditPasskeyAdd => "Passkey added", "Toegangssleutel toegevoegd";
    AuditPasskeyRename => "Passkey renamed", "Toegangssleutel hernoemd";
    AuditPasskeyRemove => "Passkey removed", "Toegangssleutel verwijderd";

    // Two-step verification and passkeys
    TwoStepHeading => "Two-step verification", "Verificatie in twee stappen";
    TwoStepCodeIntro => "Enter the 6-digit code from your authenticator app.",
        "Voer de code van 6 cijfers uit uw authenticator-app in.";
    Verify => "Verify", "Controleren";
    UseRecoveryCode => "Use a recovery code", "Een herstelcode gebruiken";
    UseAuthenticator => "Use your authenticator app", "Uw authenticator-app gebruiken";
    RecoveryCode => "Recovery code", "Herstelcode";
    RecoveryCodeIntro => "Enter one of your recovery codes. Each works once.",
        "Voer een van uw herstelcodes in. Elke code werkt één keer.";
    UsePasskey => "Use a passkey", "Een toegangssleutel gebruiken";
    EnrolIntro => "Your organisation requires two-step verification. Set up an authenticator app to continue.",
        "Uw organisatie vereist verificatie in twee stappen. Stel een authenticator-app in om verder te gaan.";
    ScanQrCode => "Scan this QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), or type the key into it. Then enter the code it shows.",
        "Scan deze QR-code met een authenticator-app (zoals Google Authenticator, Microsoft Authenticator of 1Password), of typ de sleutel erin. Voer daarna de code in die de app toont.";
    SecretKey => "Key", "Sleutel";
    QrCodeLabel => "Scan with your authenticator app", "Scannen met uw authenticator-app";
    Confirm => "Confirm", "Bevestigen";
    RecoveryCodesHeading => "Recovery codes", "Herstelcodes";
    RecoveryCodesIntro => "Keep these codes somewhere safe. If you lose your phone, each one logs you in once instead of a code from the app. They are shown only now.",
        "Bewaar deze codes op een veilige plek. Raakt u uw telefoon kwijt, dan meldt elke code u één keer aan in plaats van een code uit de app. Ze worden alleen nu getoond.";
    Download => "Download", "Downloaden";
    SavedThem => "I have saved them", "Ik heb ze bewaard";
    EnterTwoStepCode => "Enter the code.", "Voer de code in.";
    WrongTwoStepCode => "That code is not right. Try the newest code, or a recovery code.",
        "Die code klopt niet. Probeer de nieuwste code, of een herstelcode.";
    TwoStepExpired => "This login has expired. Log in again.", "Deze aanmelding is verlopen. Meld u opnieuw aan.";
    AuthenticatorKeyExpired => "That key has expired. Scan the new QR code below, or type the new key, and enter the code it shows.",
        "Die sleutel is verlopen. Scan de nieuwe QR-code hieronder, of typ de nieuwe sleutel, en voer de code in die de app toont.";
    TwoStepRequiredCannotTurnOff => "Your organisation requires two-step verification: it cannot be turned off.",
        "Uw organisatie vereist verificatie in twee stappen: die kan niet worden uitgezet.";
    TwoStepSettingsIntro => "After your password, a code from an app on your phone: someone who learns your password still cannot log in.",
        "Na uw wachtwoord een code uit een app op uw telefoon: wie uw wachtwoord kent, kan dan nog steeds niet aanmelden.";
    AuthenticatorApp => "Authenticator app", "Authenticator-app";
    IsSetUp => "Set up", "Ingesteld";
    NotSetUp => "Not set up", "Niet ingesteld";
    RecoveryCodesLeft => "{count} recovery codes left", "Nog {count} herstelcodes";
    SetUp => "Set up", "Instellen";
    TurnOff => "Turn off", "Uitzetten";
    TurnOffIntro => "To turn two-step verification off, enter your password.",
        "Voer uw wachtwoord in om verificatie in twee stappen uit te zetten.";
    NewRecoveryCodes => "New recovery codes", "Nieuwe herstelcodes";
    NewRecoveryCodesIntro => "New codes replace the old ones: those stop working.",
        "Nieuwe codes vervangen de oude: die werken dan niet meer.";
    TwoStepOffByTenant => "Your organisation has turned two-step verification off.",
        "Uw organisatie heeft verificatie in twee stappen uitgezet.";
    TwoStepRequiredNote => "Your organisation requires two-step verification.",
        "Uw organisatie vereist verificatie in twee stappen.";
    TwoStepTurnedOff => "Two-step verification is off.", "Verificatie in twee stappen staat uit.";
    RecoveryCodeUsedNotice => "You logged in with a recovery code.", "U bent aangemeld met een herstelcode.";
    MakeNewRecoveryCodes => "Make new recovery codes", "Nieuwe herstelcodes maken";
    TwoStepResetNotice => "Two-step verification was reset: the user's second factors are gone and their sessions ended.",
        "Verificatie in twee stappen is opnieuw ingesteld: de tweede factoren van de gebruiker zijn weg en de sessies beëindigd.";
    ColumnTwoStep => "Two-step", "Twee stappen";
    FactorAuthenticator => "Authenticator app", "Authenticator-app";
    FactorRecoveryCodes => "{count} recovery codes", "{count} herstelcodes";
    FactorPasskeys => "{count} passkeys", "{count} toegangssleutels";
    NoFactors => "None", "Geen";
    ResetTwoStep => "Reset two-step verification", "Verificatie in twee stappen opnieuw instellen";
    TwoStepPolicyLabel => "Two-step verification", "Verificatie in twee stappen";
    PolicyOff => "Off", "Uit";
    PolicyOptional => "Optional", "Optioneel";
    PolicySettings => "Required for Settings and maintenance", "Vereist voor Instellingen en onderhoud";
    PolicyRequired => "Required for everyone", "Vereist voor iedereen";
    GraceLogins => "Logins before it is required", "Aanmeldingen voordat het vereist is";
    AskSsoToo => "Also ask people who log in through an identity provider", "Ook vragen aan wie aanmeldt via een identiteitsprovider";
    PolicySaved => "The sign-in security was saved.", "De aanmeldbeveiliging is opgeslagen.";
    RefusedPolicyInvalid => "Choose one of the levels, and between 0 and 100 logins.", "Kies een van de niveaus, en tussen 0 en 100 aanmeldingen.";
    SignInSecurity => "Sign-in security", "Aanmeldbeveiliging";
    Passkeys => "Passkeys", "Toegangssleutels";
    PasskeysIntro => "A passkey logs you in with your fingerprint, face or screen lock, without a password. It stays on your device.",
        "Met een toegangssleutel meldt u aan met uw vingerafdruk, gezicht of schermvergrendeling, zonder wachtwoord. De sleutel blijft op uw apparaat.";
    AddPasskey => "Add a passkey", "Een toegangssleutel toevoegen";
    PasskeyName => "Passkey name", "Naam van de toegangssleutel";
    Rename => "Rename", "Hernoemen";
    Remove => "Remove", "Verwijderen";
    RemovePasskey => "Remove {name}", "{name} verwijderen";
    RenamePasskey => "Rename {name}", "{name} hernoemen";
    NoPasskeys => "You have no passkeys yet.", "U heeft nog geen toegangssleutels.";
    PasskeysNeedJavaScript => "Passkeys need JavaScript, in a browser that has them.",
        "Toegangssleutels hebben JavaScript nodig, in een browser die ze kent.";
    PasskeysUnavailable => "Passkeys are not available at this address.", "Toegangssleutels zijn op dit adres niet beschikbaar.";
    LogInWithPasskey => "Log in with a passkey", "Aanmelden met een toegangssleutel";
    PasskeysOffByTenant => "Your organisation does not offer passkeys.", "Uw organisatie biedt geen toegangssleutels aan.";
    SignInAgainForPasskey => "Adding a passkey needs a recent login: log out, log in again, and come back here.",
        "Voor een toegangssleutel is een recente aanmelding nodig: meld u af, meld u opnieuw aan en kom hier terug.";
    PasskeyFailed => "The passkey could not be used. Try again, or log in with your password.",
        "De toegangssleutel kon niet worden gebruikt. Probeer het opnieuw, of meld aan met uw wachtwoord.";
    PasskeyAddedNotice => "The passkey was added.", "De toegangssleutel is toegevoegd.";
    PasskeyRemovedNotice => "The passkey was removed.", "De toegangssleutel is verwijderd.";
    ColumnCreated => "Added", "Toegevoegd";
    ColumnLastUsed => "Last used", "Laatst gebruikt";
    DefaultPasskeyName => "Passkey", "Toegangssleutel";

    NotFound => "Page not found", "Pagina niet gevonden";
    NotFoundHelp => "The address may be mistyped, or the page has moved.",
        "Het adres is misschien verkeerd getypt, of de pagina is verplaatst.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(Lang::from_accept_language("de-DE,nl;q=0.8,en;q=0.5"), Some(Lang::Nl));
        assert_eq!(Lang::from_accept_language("en-GB,nl;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("nl;q=0"), None);
    }

    #[test]
    fn a_message_travels_as_its_index() {
        for (index, msg) in Msg::ALL.iter().enumerate() {
            assert_eq!(*msg as usize, index);
            let json = serde_json::to_string(msg).unwrap();
            assert_eq!(json, index.to_string());
            assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), *msg);
        }
        assert!(serde_json::from_str::<Msg>(&Msg::ALL.len().to_string()).is_err());
    }

    #[test]
    fn phrases_carry_the_page_language() {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(Lang::Nl);
            let phrases = Phrases::of([Msg::Password, Msg::LogIn, Msg::Password]);
            assert_eq!(phrases, Phrases(vec![(Msg::Password, "Wachtwoord".into()), (Msg::LogIn, "Aanmelden".into())]));
        });
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("Welcome, {name}", &[("name", "Ada")]), "Welcome, Ada");
    }
}
