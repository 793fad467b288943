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

/// The language of the page being rendered.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Renders a message in the page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_lang())
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
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::Nl) => $nl,)*
                }
            }
        }
    };
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
    UnknownTenant => "There is no tenant at this address. Check the link you were given.",
        "Er is geen tenant op dit adres. Controleer de link die u hebt gekregen.";
    FormUnreadable => "The form could not be read. Reload the page and try again.",
        "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nogmaals.";

    // Forgot password (until the reset flow exists)
    ForgotHeading => "Forgot your password?", "Wachtwoord vergeten?";
    ForgotContactAdmin => "Contact your administrator to receive a new password.",
        "Neem contact op met uw beheerder om een nieuw wachtwoord te ontvangen.";
    BackToLogin => "Back to log in", "Terug naar aanmelden";

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
    ComingSoon => "This part of the suite is not available yet.", "Dit onderdeel is nog niet beschikbaar.";

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
    fn placeholders_are_filled() {
        assert_eq!(fill("Welcome, {name}", &[("name", "Ada")]), "Welcome, Ada");
    }
}
