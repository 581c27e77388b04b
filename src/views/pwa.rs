//! The parts of the pages that serve offline use: the "save for offline" box on each
//! trade's page and the page shown when a page is neither reachable nor stored.
//!
//! Both work only with the script (`assets/offline.js`) and a service worker, so the
//! box is rendered `hidden` and the script shows it where the browser can save pages.
//! Texts the script shows are rendered into `data-` attributes from the catalogue, so
//! the script holds no UI text of its own.

use maud::{Markup, html};

use super::{Chrome, Head, layout};

/// Where the offline page is served (and stored by the service worker).
pub const OFFLINE_URL: &str = "/offline";

/// The box on a trade's page that stores all its documents on the device.
pub fn save_box(chrome: &Chrome, trade_slug: &str) -> Markup {
    let t = chrome.t();
    html! {
        section.offline-save #offline-speichern hidden aria-labelledby="offline-titel"
            data-trade=(trade_slug)
            data-msg-progress=(t.offline_progress)
            data-msg-done=(t.offline_done)
            data-msg-failed=(t.offline_failed)
            data-msg-removed=(t.offline_removed) {
            h2 #offline-titel { (t.offline_heading) }
            p { (t.offline_text) }
            p.offline-actions {
                button type="button" data-offline-save { (t.offline_save) }
                " "
                button.secondary type="button" data-offline-remove hidden { (t.offline_remove) }
            }
            progress #offline-fortschritt max="100" value="0" hidden aria-labelledby="offline-titel" {}
            p.offline-status role="status" aria-live="polite" {}
        }
    }
}

/// The page the service worker shows for a page that is neither reachable nor stored.
pub fn offline_page(chrome: &Chrome) -> Markup {
    let t = chrome.t();
    let main = html! {
        h1 { (t.offline_title) }
        p.lead { (t.offline_page_text) }
        section aria-labelledby="gespeichert-titel" {
            h2 #gespeichert-titel { (t.offline_saved_heading) }
            ul.cards #offline-liste data-msg-item=(t.offline_saved_item) {}
            p #offline-nichts { (t.offline_nothing) }
        }
        p { a href=(chrome.href("/")) { (t.to_home) } }
    };
    layout(
        chrome,
        &Head {
            title: t.offline_title,
            noindex: true,
            path: OFFLINE_URL,
            ..Head::default()
        },
        main,
    )
}
