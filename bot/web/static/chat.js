// Haven's local web chat: a client of the sandbox's client HTTP API under /sandbox/users/<id>.
//
// The person is a sandbox user with a random id kept in sessionStorage, so closing the tab
// forgets the conversation. The chat is read with the long poll of messages.js (window.Haven),
// which also draws the messages from plain_text and entities, never as HTML: every new, edited
// or deleted message replaces the copy shown here.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("haven-config").textContent);
  const USER_KEY = "haven.webchat.user";
  const LANGUAGE_KEY = "haven.webchat.language";

  const ui = Haven.elements("language", "new-conversation", "intro", "start-bar", "start");

  const byCode = new Map(config.languages.map((language) => [language.code, language]));
  const shown = new Map(); // message_id -> {version, text, edited, element}
  const showToast = Haven.toast(ui.toast);
  const failed = () => showToast(word("failed"));
  const render = Haven.renderer({
    word,
    locale: () => byCode.get(language).tag,
    press: (messageId, button) =>
      call("/press", {
        method: "POST",
        body: { message_id: messageId, callback_data: button.callback_data },
      }),
    failed,
  });
  let language = storedLanguage();
  let userId = storedUser();
  let generation = 0; // bumped by "New conversation": an older poll loop then stops
  let poller = null; // AbortController of the current poll
  let focusWanted = false; // the focused button vanished: focus the next keyboard
  let focusTimer = 0;

  // ---- storage -------------------------------------------------------------------------

  function storage() {
    try {
      return window.sessionStorage;
    } catch {
      return null; // storage disabled: the id lives as long as the page
    }
  }

  function storedLanguage() {
    const saved = storage()?.getItem(LANGUAGE_KEY);
    return byCode.has(saved) ? saved : config.initial;
  }

  function storedUser() {
    const saved = Number(storage()?.getItem(USER_KEY));
    return Number.isSafeInteger(saved) && saved > 0 ? saved : freshUser();
  }

  function freshUser() {
    // Positive and below 2^31: any Telegram-like id store takes it.
    const random = new Uint32Array(1);
    crypto.getRandomValues(random);
    const id = 1000000 + (random[0] % 2000000000);
    storage()?.setItem(USER_KEY, String(id));
    return id;
  }

  // ---- the page's own words ------------------------------------------------------------

  function word(key) {
    return (config.words[language] || {})[key] || config.words[config.initial][key] || key;
  }

  function applyLanguage() {
    const chosen = byCode.get(language);
    document.documentElement.lang = chosen.tag;
    document.documentElement.dir = chosen.dir;
    ui.language.value = language;
    for (const element of document.querySelectorAll("[data-word]")) {
      element.textContent = word(element.dataset.word);
    }
    for (const element of document.querySelectorAll("[data-word-placeholder]")) {
      element.placeholder = word(element.dataset.wordPlaceholder);
    }
    for (const element of document.querySelectorAll("[data-word-label]")) {
      element.setAttribute("aria-label", word(element.dataset.wordLabel));
      element.title = word(element.dataset.wordLabel);
    }
    setOnline(!ui.status.classList.contains("offline"));
  }

  // ---- talking to the sandbox ----------------------------------------------------------

  function call(path, options) {
    return Haven.call(`/sandbox/users/${userId}${path}`, options);
  }

  function poll(mine) {
    return Haven.poll({
      active: () => mine === generation,
      read: (query) => {
        poller = new AbortController();
        return call(`/messages${query}`, { signal: poller.signal });
      },
      receive: (data) => {
        setOnline(true);
        apply(data);
      },
      reset: () => {
        shown.clear();
        ui.messages.replaceChildren();
        refreshLayout();
      },
      failed: () => setOnline(false),
    });
  }

  function setOnline(online) {
    ui.status.classList.toggle("offline", !online);
    ui.status.textContent = word(online ? "status_bot" : "status_offline");
  }

  async function start() {
    ui.start.disabled = true;
    try {
      // The language the person picked is the language_code of their Telegram app.
      await call("", { method: "POST", body: { language_code: byCode.get(language).tag } });
      const data = await call("/messages", { method: "POST", body: { text: "/start" } });
      apply({ messages: [data.message] });
      ui.input.focus();
    } catch {
      failed();
    } finally {
      ui.start.disabled = false;
    }
  }

  function newConversation() {
    generation += 1;
    poller?.abort();
    userId = freshUser();
    shown.clear();
    ui.messages.replaceChildren();
    ui.notice.textContent = "";
    ui.newConversation.classList.remove("suggested");
    refreshLayout();
    poll(generation);
    ui.start.focus();
  }

  // ---- showing the chat ----------------------------------------------------------------

  function apply(data) {
    const hadFocus = ui.messages.contains(document.activeElement);
    const nearBottom = Haven.isNearBottom(ui.chat);
    let newKeyboard = null;
    let added = false;
    for (const message of data.messages || []) {
      const known = shown.get(message.message_id);
      if (message.deleted) {
        if (known) {
          known.element.remove();
          shown.delete(message.message_id);
        }
        continue;
      }
      if (known && known.version >= message.version) continue;
      // Telegram marks a message "edited" when its text changes, not when its keyboard goes
      // (the bot removes old keyboards all the time), so compare with the copy shown.
      const edited = Boolean(known && (known.edited || known.text !== message.plain_text));
      const element = renderMessage(message, edited);
      if (known) {
        known.element.replaceWith(element);
      } else {
        Haven.insertInOrder(ui.messages, message.message_id, element);
        added = true;
      }
      shown.set(message.message_id, {
        version: message.version,
        text: message.plain_text,
        edited,
        element,
      });
      const firstKey = element.querySelector(".key");
      if (firstKey) newKeyboard = firstKey;
    }
    for (const answer of data.callback_answers || []) {
      if (answer.text) showToast(answer.text, answer.show_alert);
    }
    refreshLayout();
    if (added && nearBottom) Haven.scrollToBottom(ui.chat);
    if (hadFocus && !ui.messages.contains(document.activeElement)) wantFocus();
    // The bot sends the next question before it takes the old keyboard away, so the successor
    // may already be on the page when the keyboard in use goes.
    const successor = newKeyboard || (focusWanted ? lastKeyboard() : null);
    if (focusWanted && successor) {
      focusWanted = false;
      clearTimeout(focusTimer);
      successor.focus({ preventScroll: true });
      Haven.scrollToBottom(ui.chat);
    }
  }

  function renderMessage(message, edited) {
    return render.message(message, {
      side: message.from_bot ? "from-bot" : "from-me",
      sender: message.from_bot ? "Haven: " : `${word("you")} `,
      note: message.kind === "text" ? "" : word("attachment"),
      edited,
      keys: Boolean(message.from_bot),
    });
  }

  function lastKeyboard() {
    const keyboards = ui.messages.querySelectorAll(".keyboard");
    const last = keyboards[keyboards.length - 1];
    return last ? last.querySelector(".key") : null;
  }

  function wantFocus() {
    // The keyboard the person was using went away; its successor is usually there already.
    focusWanted = true;
    clearTimeout(focusTimer);
    focusTimer = setTimeout(() => {
      if (focusWanted && isNothingFocused()) ui.input.focus({ preventScroll: true });
      focusWanted = false;
    }, 1500);
  }

  function isNothingFocused() {
    return !document.activeElement || document.activeElement === document.body;
  }

  function refreshLayout() {
    const empty = shown.size === 0;
    ui.intro.hidden = !empty;
    ui.startBar.hidden = !empty;
    ui.composer.hidden = empty;
  }

  // ---- wiring --------------------------------------------------------------------------

  ui.language.addEventListener("change", () => {
    language = ui.language.value;
    storage()?.setItem(LANGUAGE_KEY, language);
    applyLanguage();
    if (shown.size > 0) {
      // The bot keeps a conversation's language; the bot's own button changes it.
      ui.notice.textContent = word("language_later");
      ui.newConversation.classList.add("suggested");
    }
  });
  ui.newConversation.addEventListener("click", newConversation);
  ui.start.addEventListener("click", start);
  Haven.composer({
    form: ui.composer,
    input: ui.input,
    send: (text) => call("/messages", { method: "POST", body: { text } }),
    sent: (data) => apply({ messages: [data.message] }),
    failed,
  });

  applyLanguage();
  refreshLayout();
  poll(generation);
})();
