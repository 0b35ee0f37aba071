// Haven's local staff page: the staff supergroup as an operator sees it, through the sandbox's
// client HTTP API under /sandbox/chats/<staff chat id>.
//
// The whole group is read with a long poll and a version cursor (?since=<version>&wait=<s>):
// every new, edited or deleted message comes back with its latest state and replaces the copy
// kept here. Forum topics come from /topics, asked again whenever a topic service message
// (created, renamed, closed, reopened) arrives. Everything the operator does (write, press a
// button) is sent as the operator's sandbox user. Message text is built as DOM nodes from
// plain_text and entities; nothing anyone writes is ever parsed as HTML.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("haven-staff-config").textContent);
  const CHAT = config.chat_id;
  const OPERATOR = config.operator_id;
  const GENERAL = "general";
  const POLL_SECONDS = 25;
  const TOAST_MS = 4000;
  const WIDE = window.matchMedia("(min-width: 720px)");

  const $ = (id) => document.getElementById(id);
  const ui = {
    app: $("app"),
    title: $("group-title"),
    avatar: $("group-avatar"),
    status: $("status"),
    notice: $("notice"),
    topics: $("topics"),
    back: $("back"),
    heading: $("thread-heading"),
    closed: $("thread-closed"),
    chat: $("chat"),
    empty: $("empty"),
    messages: $("messages"),
    composer: $("composer"),
    input: $("message"),
    toast: $("toast"),
  };

  const messages = new Map(); // message_id -> the latest copy of every message of the group
  const topics = new Map(); // key (the thread id as a string) -> {message_thread_id, name, closed}
  const unread = new Map(); // key -> new messages from others since the topic was last shown
  const shown = new Map(); // message_id -> {version, element}, for the selected topic only
  let selected = keyFromHash() || GENERAL;
  let topicsStale = true;
  let toastTimer = 0;

  // ---- words ---------------------------------------------------------------------------

  function word(key, values = {}) {
    let text = config.words[key] || key;
    for (const [name, value] of Object.entries(values)) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  // ---- talking to the sandbox ----------------------------------------------------------

  async function call(path, { method = "GET", body } = {}) {
    const response = await fetch(`/sandbox/chats/${CHAT}${path}`, {
      method,
      cache: "no-store",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function poll() {
    let since = null;
    let failures = 0;
    for (;;) {
      const query = since === null ? "" : `?since=${since}&wait=${POLL_SECONDS}`;
      try {
        const data = await call(`/messages${query}`);
        if (since !== null && data.version < since) {
          // The server restarted with an empty sandbox: show the group as it is now.
          forget();
          since = null;
          continue;
        }
        const initial = since === null;
        since = data.version;
        failures = 0;
        setOnline(true);
        ui.notice.textContent = "";
        render(absorb(data.messages || [], initial));
        for (const answer of initial ? [] : data.callback_answers || []) {
          if (answer.user_id === OPERATOR && answer.text) showToast(answer.text, answer.show_alert);
        }
        if (topicsStale) {
          // A failure here is retried on the next round: the flag stays set until it works.
          await loadTopics();
          renderThread();
          renderTopics();
        }
      } catch (error) {
        failures += 1;
        setOnline(false);
        if (error.status === 404) ui.notice.textContent = word("missing");
        await sleep(Math.min(5000, 250 * 2 ** failures));
      }
    }
  }

  async function loadTopics() {
    const data = await call("/topics");
    topics.clear();
    for (const topic of data.topics || []) topics.set(String(topic.message_thread_id), topic);
    topicsStale = false;
    const title = data.title || word("staff_group");
    ui.title.textContent = title;
    ui.avatar.textContent = Array.from(title)[0] || "S";
    if (selected !== GENERAL && !topics.has(selected)) select(GENERAL, { focus: false });
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function setOnline(online) {
    ui.status.classList.toggle("offline", !online);
    ui.status.textContent = online ? word("as_operator", { id: OPERATOR }) : word("status_offline");
  }

  async function sendTyped() {
    const text = ui.input.value;
    if (!text.trim()) return;
    const body = { user_id: OPERATOR, text };
    if (selected !== GENERAL) body.message_thread_id = Number(selected);
    try {
      const data = await call("/messages", { method: "POST", body });
      ui.input.value = "";
      growInput();
      render(absorb([data.message], false));
      scrollToBottom();
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
        body: { user_id: OPERATOR, message_id: messageId, callback_data: button.callback_data },
      });
    } catch {
      showToast(word("failed"));
    } finally {
      // If the bot keeps the keyboard, it works again; often it has changed by now.
      setTimeout(() => {
        for (const sibling of siblings) sibling.removeAttribute("aria-disabled");
        element.classList.remove("pending");
      }, 1500);
    }
  }

  // ---- state ---------------------------------------------------------------------------

  function keyOf(message) {
    return message.message_thread_id == null ? GENERAL : String(message.message_thread_id);
  }

  function keyFromHash() {
    const match = /^#topic-(\d+|general)$/.exec(window.location.hash);
    return match ? match[1] : null;
  }

  function threadVisible() {
    return WIDE.matches || ui.app.dataset.view === "thread";
  }

  function absorb(list, initial) {
    const changed = [];
    for (const message of list) {
      const known = messages.get(message.message_id);
      if (known && known.version >= message.version) continue;
      messages.set(message.message_id, message);
      changed.push(message);
      if (String(message.kind).startsWith("forum_topic_")) topicsStale = true;
      const key = keyOf(message);
      const seen = key === selected && threadVisible();
      if (!known && !initial && !message.deleted && message.sender_id !== OPERATOR && !seen) {
        unread.set(key, (unread.get(key) || 0) + 1);
      }
    }
    return changed;
  }

  function forget() {
    messages.clear();
    topics.clear();
    unread.clear();
    shown.clear();
    ui.messages.replaceChildren();
    topicsStale = true;
  }

  function threadMessages(key) {
    return [...messages.values()]
      .filter((message) => !message.deleted && keyOf(message) === key)
      .sort((a, b) => a.message_id - b.message_id);
  }

  // ---- the topic list ------------------------------------------------------------------

  function topicEntries() {
    const last = new Map();
    for (const message of messages.values()) {
      if (message.deleted) continue;
      const key = keyOf(message);
      if (!last.has(key) || last.get(key).message_id < message.message_id) last.set(key, message);
    }
    const entries = [...topics.values()].map((topic) => ({
      key: String(topic.message_thread_id),
      name: topic.name,
      closed: topic.closed,
      color: topic.icon_color,
      last: last.get(String(topic.message_thread_id)) || null,
      activity: last.get(String(topic.message_thread_id))?.message_id || topic.message_thread_id,
    }));
    // As in Telegram: General on top, then the topics with the latest activity first.
    entries.sort((a, b) => b.activity - a.activity);
    const general = { key: GENERAL, name: word("general"), closed: false, last: last.get(GENERAL) };
    return [general, ...entries];
  }

  function renderTopics() {
    const focusedKey = document.activeElement?.closest?.(".topic")?.dataset.key;
    const items = topicEntries().map((entry) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "topic";
      button.dataset.key = entry.key;
      if (entry.key === selected) button.setAttribute("aria-current", "true");

      const icon = document.createElement("span");
      icon.className = "topic-icon";
      icon.setAttribute("aria-hidden", "true");
      if (entry.key === GENERAL) {
        icon.textContent = "#";
        icon.classList.add("general");
      } else {
        icon.textContent = Array.from(entry.name.replace(/^[#\s]+/, ""))[0] || "#";
        if (Number.isInteger(entry.color)) {
          icon.style.backgroundColor = `#${entry.color.toString(16).padStart(6, "0")}`;
        }
      }

      const main = document.createElement("span");
      main.className = "topic-main";
      const line = document.createElement("span");
      line.className = "topic-line";
      const name = document.createElement("span");
      name.className = "topic-name";
      name.textContent = entry.name;
      line.append(name);
      if (entry.closed) {
        const closed = document.createElement("span");
        closed.className = "closed-mark";
        closed.textContent = word("closed");
        line.append(" ", closed);
      }
      main.append(line);
      if (entry.last) {
        const preview = document.createElement("span");
        preview.className = "topic-preview";
        preview.textContent = previewOf(entry.last);
        main.append(" ", preview);
      }
      button.append(icon, main);

      const count = unread.get(entry.key) || 0;
      if (count > 0) {
        const badge = document.createElement("span");
        badge.className = "badge";
        const hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = ` ${word("unread")}`;
        badge.append(String(count), hidden);
        button.append(" ", badge);
      }
      button.addEventListener("click", () => select(entry.key, { focus: true }));
      item.append(button);
      return item;
    });
    ui.topics.replaceChildren(...items);
    if (focusedKey) ui.topics.querySelector(`.topic[data-key="${focusedKey}"]`)?.focus();
  }

  function previewOf(message) {
    if (String(message.kind).startsWith("forum_topic_")) return serviceText(message);
    const who = message.sender_id === OPERATOR ? word("you") : message.sender_name || "";
    const what = message.plain_text || attachmentText(message);
    return who ? `${who}: ${what}` : what;
  }

  // ---- the selected topic --------------------------------------------------------------

  function select(key, { focus }) {
    const changed = key !== selected;
    selected = key;
    unread.delete(key);
    ui.app.dataset.view = "thread";
    history.replaceState(null, "", `#topic-${key}`);
    if (changed) {
      shown.clear();
      ui.messages.replaceChildren();
    }
    renderThread();
    renderTopics();
    scrollToBottom();
    if (focus) ui.input.focus({ preventScroll: true });
  }

  function back() {
    ui.app.dataset.view = "topics";
    renderTopics();
    ui.topics.querySelector(`.topic[data-key="${selected}"]`)?.focus();
  }

  function renderThread() {
    const topic = topics.get(selected);
    ui.heading.textContent = selected === GENERAL ? word("general") : topic?.name || "…";
    ui.closed.hidden = !topic?.closed;
    for (const message of threadMessages(selected)) place(message);
    ui.empty.hidden = shown.size > 0;
  }

  function render(changed) {
    const nearBottom = isNearBottom();
    let added = false;
    for (const message of changed) {
      if (keyOf(message) !== selected) continue;
      added = place(message) || added;
    }
    if (changed.some((message) => String(message.kind).startsWith("forum_topic_"))) renderThread();
    ui.empty.hidden = shown.size > 0;
    renderTopics();
    if (added && nearBottom) scrollToBottom();
  }

  // Shows one message of the selected topic in its place; returns whether it is new here.
  function place(message) {
    const known = shown.get(message.message_id);
    if (message.deleted) {
      if (known) {
        const restore = focusWithin(known.element);
        known.element.remove();
        shown.delete(message.message_id);
        restore(null);
      }
      return false;
    }
    if (known && known.version >= message.version) return false;
    const element = renderMessage(message);
    if (known) {
      const restore = focusWithin(known.element);
      known.element.replaceWith(element);
      restore(element);
    } else {
      insertInOrder(message.message_id, element);
    }
    shown.set(message.message_id, { version: message.version, element });
    return !known;
  }

  // Before a message holding the focus is replaced (an edit) or removed: returns how to keep
  // the keyboard user's place, on the same button if it is still there, else in the message box.
  function focusWithin(old) {
    const active = document.activeElement;
    if (!active || !old.contains(active)) return () => {};
    const index = [...old.querySelectorAll(".key")].indexOf(active);
    return (replacement) => {
      const keys = replacement ? replacement.querySelectorAll(".key") : [];
      (keys[index] || ui.input).focus({ preventScroll: true });
    };
  }

  function insertInOrder(messageId, element) {
    for (const other of ui.messages.children) {
      if (Number(other.dataset.messageId) > messageId) {
        ui.messages.insertBefore(element, other);
        return;
      }
    }
    ui.messages.append(element);
  }

  function isNearBottom() {
    return ui.chat.scrollHeight - ui.chat.scrollTop - ui.chat.clientHeight < 120;
  }

  function scrollToBottom() {
    ui.chat.scrollTop = ui.chat.scrollHeight;
  }

  function serviceText(message) {
    const content = (message.media || {})[message.kind] || {};
    const name = String(content.name || "");
    switch (message.kind) {
      case "forum_topic_created":
        return word("topic_created", { name });
      case "forum_topic_edited":
        return word("topic_edited", { name });
      case "forum_topic_closed":
        return word("topic_closed");
      default:
        return word("topic_reopened");
    }
  }

  function attachmentText(message) {
    const media = message.media || {};
    if (message.kind === "photo") return word("photo");
    if (message.kind === "voice") return word("voice");
    if (message.kind === "document") {
      return word("document", { name: media.document?.file_name || "" });
    }
    return message.kind === "text" ? "" : word("attachment");
  }

  function renderMessage(message) {
    const item = document.createElement("li");
    item.dataset.messageId = String(message.message_id);
    if (String(message.kind).startsWith("forum_topic_")) {
      item.className = "service";
      const line = document.createElement("span");
      line.textContent = serviceText(message);
      item.append(line);
      return item;
    }
    const mine = message.sender_id === OPERATOR;
    item.className = `message ${mine ? "from-me" : message.from_bot ? "from-bot" : "from-other"}`;

    const bubble = document.createElement("div");
    bubble.className = "bubble";
    const sender = document.createElement("span");
    sender.className = mine ? "visually-hidden" : "sender";
    sender.textContent = mine ? `${word("you")}: ` : message.sender_name || "";
    bubble.append(sender);

    const quote = replyQuote(message);
    if (quote) bubble.append(quote);

    const text = document.createElement("div");
    text.className = "text";
    const note = attachmentText(message);
    if (note) {
      const span = document.createElement("span");
      span.className = "attachment";
      span.textContent = note;
      text.append(span, message.plain_text ? "\n" : "");
    }
    text.append(renderEntities(message.plain_text || "", message.entities || []));
    bubble.append(text);

    const meta = document.createElement("span");
    meta.className = "meta";
    if (message.edited) {
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
    if (Array.isArray(rows) && rows.length) item.append(renderKeyboard(message.message_id, rows));
    return item;
  }

  function replyQuote(message) {
    // In a topic every message replies to the topic's first message; Telegram shows no quote.
    const target = message.reply_to_message_id;
    if (target == null || target === message.message_thread_id) return null;
    const original = messages.get(target);
    if (!original || original.deleted) return null;
    const quote = document.createElement("div");
    quote.className = "quote";
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = `${word("reply_to")}: `;
    const who = document.createElement("span");
    who.className = "quote-sender";
    who.textContent = original.sender_id === OPERATOR ? word("you") : original.sender_name || "";
    const what = document.createElement("span");
    what.className = "quote-text";
    what.textContent = original.plain_text || attachmentText(original);
    quote.append(label, who, " ", what);
    return quote;
  }

  function formatTime(date) {
    try {
      return new Intl.DateTimeFormat(config.language, {
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

  ui.back.addEventListener("click", back);
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
  ui.app.addEventListener("keydown", (event) => {
    // Escape leaves a topic for the list, where only one of them fits the screen.
    if (event.key === "Escape" && !WIDE.matches && ui.app.dataset.view === "thread") back();
  });
  ui.toast.addEventListener("click", () => {
    ui.toast.hidden = true;
  });

  if (keyFromHash()) ui.app.dataset.view = "thread";
  setOnline(true);
  renderThread();
  renderTopics();
  poll();
})();
