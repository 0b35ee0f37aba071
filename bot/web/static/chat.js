// Haven's local web chat: a client of the sandbox's client HTTP API under /sandbox.
//
// The person is a sandbox user with a random id kept in sessionStorage, so closing the tab
// forgets the conversation. The chat is read with a long poll and a version cursor
// (?since=<version>&wait=<s>): every new, edited or deleted message comes back with its latest
// state and replaces the copy shown here. Message text is built as DOM nodes from plain_text
// and entities; nothing the bot sends is ever parsed as HTML.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("haven-config").textContent);
  const USER_KEY = "haven.webchat.user";
  const LANGUAGE_KEY = "haven.webchat.language";
  const POLL_SECONDS = 25;
  const TOAST_MS = 4000;

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("status"),
    language: $("language"),
    newConversation: $("new-conversation"),
    notice: $("notice"),
    chat: $("chat"),
    intro: $("intro"),
    messages: $("messages"),
    startBar: $("start-bar"),
    start: $("start"),
    composer: $("composer"),
    input: $("message"),
    send: $("send"),
    toast: $("toast"),
  };

  const byCode = new Map(config.languages.map((language) => [language.code, language]));
  const shown = new Map(); // message_id -> {version, element}
  let language = storedLanguage();
  let userId = storedUser();
  let generation = 0; // bumped by "New conversation": an older poll loop then stops
  let poller = null; // AbortController of the current poll
  let focusWanted = false; // the focused button vanished: focus the next keyboard
  let focusTimer = 0;
  let toastTimer = 0;

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

  async function call(path, { method = "GET", body, signal } = {}) {
    const response = await fetch(`/sandbox/users/${userId}${path}`, {
      method,
      signal,
      cache: "no-store",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    return data;
  }

  async function poll(mine) {
    let since = null;
    let failures = 0;
    while (mine === generation) {
      poller = new AbortController();
      const query = since === null ? "" : `?since=${since}&wait=${POLL_SECONDS}`;
      try {
        const data = await call(`/messages${query}`, { signal: poller.signal });
        if (mine !== generation) return;
        if (since !== null && data.version < since) {
          // The server restarted with an empty sandbox: show the chat as it is now.
          shown.clear();
          ui.messages.replaceChildren();
          since = null;
          refreshLayout();
          continue;
        }
        since = data.version;
        failures = 0;
        setOnline(true);
        apply(data);
      } catch (error) {
        if (mine !== generation) return;
        failures += 1;
        setOnline(false);
        await sleep(Math.min(5000, 250 * 2 ** failures));
      }
    }
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
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
      showToast(word("failed"));
    } finally {
      ui.start.disabled = false;
    }
  }

  async function sendTyped() {
    const text = ui.input.value;
    if (!text.trim()) return;
    try {
      const data = await call("/messages", { method: "POST", body: { text } });
      ui.input.value = "";
      growInput();
      apply({ messages: [data.message] });
    } catch {
      showToast(word("failed"));
    }
  }

  async function press(messageId, button, element) {
    if (element.getAttribute("aria-disabled") === "true") return;
    const keyboard = element.closest(".keyboard");
    const siblings = keyboard ? keyboard.querySelectorAll(".key") : [element];
    for (const sibling of siblings) sibling.setAttribute("aria-disabled", "true");
    element.classList.add("pending");
    try {
      await call("/press", {
        method: "POST",
        body: { message_id: messageId, callback_data: button.callback_data },
      });
    } catch {
      showToast(word("failed"));
    } finally {
      // If the bot keeps the keyboard, it works again; usually it is gone by now.
      setTimeout(() => {
        for (const sibling of siblings) sibling.removeAttribute("aria-disabled");
        element.classList.remove("pending");
      }, 1500);
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
    const nearBottom = isNearBottom();
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
        insertInOrder(message.message_id, element);
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
    if (added && nearBottom) scrollToBottom();
    if (hadFocus && !ui.messages.contains(document.activeElement)) wantFocus();
    // The bot sends the next question before it takes the old keyboard away, so the successor
    // may already be on the page when the keyboard in use goes.
    const successor = newKeyboard || (focusWanted ? lastKeyboard() : null);
    if (focusWanted && successor) {
      focusWanted = false;
      clearTimeout(focusTimer);
      successor.focus({ preventScroll: true });
      scrollToBottom();
    }
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

  function insertInOrder(messageId, element) {
    element.dataset.messageId = String(messageId);
    for (const other of ui.messages.children) {
      if (Number(other.dataset.messageId) > messageId) {
        ui.messages.insertBefore(element, other);
        return;
      }
    }
    ui.messages.append(element);
  }

  function refreshLayout() {
    const empty = shown.size === 0;
    ui.intro.hidden = !empty;
    ui.startBar.hidden = !empty;
    ui.composer.hidden = empty;
  }

  function isNearBottom() {
    return ui.chat.scrollHeight - ui.chat.scrollTop - ui.chat.clientHeight < 120;
  }

  function scrollToBottom() {
    ui.chat.scrollTop = ui.chat.scrollHeight;
  }

  function renderMessage(message, edited) {
    const item = document.createElement("li");
    item.className = `message ${message.from_bot ? "from-bot" : "from-me"}`;
    item.dataset.messageId = String(message.message_id);

    const bubble = document.createElement("div");
    bubble.className = "bubble";
    const speaker = document.createElement("span");
    speaker.className = "visually-hidden";
    speaker.textContent = message.from_bot ? "Haven: " : `${word("you")} `;
    bubble.append(speaker);

    const text = document.createElement("div");
    text.className = "text";
    if (message.kind !== "text") {
      const note = document.createElement("span");
      note.className = "attachment";
      note.textContent = word("attachment");
      text.append(note, message.plain_text ? "\n" : "");
    }
    text.append(renderEntities(message.plain_text || "", message.entities || []));
    bubble.append(text);

    const meta = document.createElement("span");
    meta.className = "meta";
    if (edited) {
      const edited = document.createElement("span");
      edited.className = "edited";
      edited.textContent = word("edited");
      meta.append(edited, " ");
    }
    const time = document.createElement("time");
    const when = new Date(message.date * 1000);
    time.dateTime = when.toISOString();
    time.textContent = formatTime(when);
    meta.append(time);
    bubble.append(meta);
    item.append(bubble);

    const rows = message.reply_markup?.inline_keyboard;
    if (message.from_bot && Array.isArray(rows) && rows.length) {
      item.append(renderKeyboard(message.message_id, rows));
    }
    return item;
  }

  function formatTime(date) {
    try {
      return new Intl.DateTimeFormat(byCode.get(language).tag, {
        hour: "2-digit",
        minute: "2-digit",
      }).format(date);
    } catch {
      return date.toTimeString().slice(0, 5);
    }
  }

  function renderKeyboard(messageId, rows) {
    const keyboard = document.createElement("div");
    keyboard.className = "keyboard";
    keyboard.setAttribute("role", "group");
    keyboard.setAttribute("aria-label", word("buttons"));
    for (const row of rows) {
      if (!Array.isArray(row)) continue;
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) line.append(renderKey(messageId, button));
      keyboard.append(line);
    }
    return keyboard;
  }

  function renderKey(messageId, button) {
    const label = String(button.text || "");
    const href = button.url ? safeUrl(button.url) : null;
    if (href) {
      const link = document.createElement("a");
      link.className = "key link-key";
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = label;
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = ` ${word("new_tab")}`;
      const arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = "↗";
      link.append(hint, arrow);
      return link;
    }
    const key = document.createElement("button");
    key.type = "button";
    key.className = "key";
    key.textContent = label;
    if (typeof button.callback_data === "string") {
      key.addEventListener("click", () => press(messageId, button, key));
    } else {
      key.disabled = true; // a kind of button a browser cannot act on
    }
    return key;
  }

  function safeUrl(value) {
    try {
      const url = new URL(value);
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  // Entities count UTF-16 code units, as JavaScript strings do, so offsets index directly.
  // Telegram's entities nest; one that overlaps its parent is cut at the parent's end.
  function renderEntities(text, entities) {
    const root = document.createDocumentFragment();
    const spans = entities
      .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
      .map((e) => ({ entity: e, start: e.offset, end: Math.min(text.length, e.offset + e.length) }))
      .filter((s) => s.start < s.end)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = [{ node: root, end: text.length }];
    let position = 0;
    const top = () => stack[stack.length - 1];
    const emit = (until) => {
      if (until > position) {
        top().node.append(document.createTextNode(text.slice(position, until)));
        position = until;
      }
    };
    for (const span of spans) {
      while (stack.length > 1 && top().end <= span.start) {
        emit(top().end);
        stack.pop();
      }
      emit(span.start);
      const end = Math.min(span.end, top().end);
      if (end <= span.start) continue;
      const { outer, inner } = elementFor(span.entity, text.slice(span.start, end));
      top().node.append(outer);
      stack.push({ node: inner, end });
    }
    while (stack.length > 1) {
      emit(top().end);
      stack.pop();
    }
    emit(text.length);
    return root;
  }

  function elementFor(entity, content) {
    const tags = {
      bold: "strong",
      italic: "em",
      underline: "u",
      strikethrough: "s",
      code: "code",
      blockquote: "blockquote",
      expandable_blockquote: "blockquote",
    };
    if (tags[entity.type]) {
      const element = document.createElement(tags[entity.type]);
      return { outer: element, inner: element };
    }
    if (entity.type === "pre") {
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      if (entity.language) code.dataset.language = String(entity.language);
      pre.append(code);
      return { outer: pre, inner: code };
    }
    if (entity.type === "spoiler") return spoiler();
    const href =
      entity.type === "text_link"
        ? safeUrl(entity.url)
        : entity.type === "url"
          ? safeUrl(/^[a-z][a-z0-9+.-]*:/i.test(content) ? content : `https://${content}`)
          : entity.type === "email"
            ? safeUrl(`mailto:${content}`)
            : null;
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return { outer: link, inner: link };
    }
    const span = document.createElement("span");
    span.className = `entity-${String(entity.type).replace(/[^a-z_]/g, "")}`;
    return { outer: span, inner: span };
  }

  function spoiler() {
    const span = document.createElement("span");
    span.className = "spoiler";
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.setAttribute("aria-label", word("spoiler"));
    const reveal = () => {
      span.classList.add("revealed");
      span.removeAttribute("role");
      span.removeAttribute("aria-label");
      span.removeAttribute("tabindex");
    };
    span.addEventListener("click", reveal);
    span.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reveal();
      }
    });
    return { outer: span, inner: span };
  }

  function showToast(text, long = false) {
    ui.toast.textContent = text;
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      ui.toast.hidden = true;
    }, long ? TOAST_MS * 2 : TOAST_MS);
  }

  function growInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight, 160)}px`;
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
  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendTyped();
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });
  ui.input.addEventListener("input", growInput);
  ui.toast.addEventListener("click", () => {
    ui.toast.hidden = true;
  });

  applyLanguage();
  refreshLayout();
  poll(generation);
})();
