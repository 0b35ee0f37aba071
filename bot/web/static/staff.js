// Haven's local staff page: the staff supergroup as an operator sees it, through the sandbox's
// client HTTP API under /sandbox/chats/<staff chat id>.
//
// The whole group is read with the long poll of messages.js (window.Haven): every new, edited
// or deleted message comes back with its latest state and replaces the copy kept here. Forum
// topics come from /topics, asked again whenever a topic service message (created, renamed,
// closed, reopened) arrives. Everything the operator does (write, press a button) is sent as the
// operator's sandbox user. messages.js draws the messages from plain_text and entities; nothing
// anyone writes is ever parsed as HTML.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("haven-config").textContent);
  const CHAT = config.chat_id;
  const OPERATOR = config.operator_id;
  const GENERAL = "general";
  const WIDE = window.matchMedia("(min-width: 720px)");

  const ui = Haven.elements("topics", "back", "thread-heading", "thread-closed", "empty");

  const messages = new Map(); // message_id -> the latest copy of every message of the group
  const topics = new Map(); // key (the thread id as a string) -> {message_thread_id, name, closed}
  const unread = new Map(); // key -> new messages from others since the topic was last shown
  const shown = new Map(); // message_id -> {version, element}, for the selected topic only
  const showToast = Haven.toast(ui.toast);
  const failed = () => showToast(word("failed"));
  const draw = Haven.renderer({
    word,
    locale: () => config.language,
    press: (messageId, button) =>
      call("/press", {
        method: "POST",
        body: { user_id: OPERATOR, message_id: messageId, callback_data: button.callback_data },
      }),
    failed,
  });
  let selected = keyFromHash() || GENERAL;
  let topicsStale = true;

  // ---- words ---------------------------------------------------------------------------

  function word(key, values = {}) {
    let text = config.words[key] || key;
    for (const [name, value] of Object.entries(values)) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  // ---- talking to the sandbox ----------------------------------------------------------

  function call(path, options) {
    return Haven.call(`/sandbox/chats/${CHAT}${path}`, options);
  }

  function poll() {
    return Haven.poll({
      read: (query) => call(`/messages${query}`),
      receive: async (data, initial) => {
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
      },
      reset: forget,
      failed: (error) => {
        setOnline(false);
        if (error.status === 404) ui.notice.textContent = word("missing");
      },
    });
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

  function setOnline(online) {
    ui.status.classList.toggle("offline", !online);
    ui.status.textContent = online ? word("as_operator", { id: OPERATOR }) : word("status_offline");
  }

  function sendTyped(text) {
    const body = { user_id: OPERATOR, text };
    if (selected !== GENERAL) body.message_thread_id = Number(selected);
    return call("/messages", { method: "POST", body });
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
    ui.threadHeading.textContent = selected === GENERAL ? word("general") : topic?.name || "…";
    ui.threadClosed.hidden = !topic?.closed;
    for (const message of threadMessages(selected)) place(message);
    ui.empty.hidden = shown.size > 0;
  }

  function render(changed) {
    const nearBottom = Haven.isNearBottom(ui.chat);
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
      Haven.insertInOrder(ui.messages, message.message_id, element);
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

  function scrollToBottom() {
    Haven.scrollToBottom(ui.chat);
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
    if (String(message.kind).startsWith("forum_topic_")) {
      const item = document.createElement("li");
      item.dataset.messageId = String(message.message_id);
      item.className = "service";
      const line = document.createElement("span");
      line.textContent = serviceText(message);
      item.append(line);
      return item;
    }
    const mine = message.sender_id === OPERATOR;
    return draw.message(message, {
      side: mine ? "from-me" : message.from_bot ? "from-bot" : "from-other",
      sender: mine ? `${word("you")}: ` : message.sender_name || "",
      named: !mine,
      quote: replyQuote(message),
      note: attachmentText(message),
      edited: message.edited,
    });
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

  // ---- wiring --------------------------------------------------------------------------

  ui.back.addEventListener("click", back);
  Haven.composer({
    form: ui.composer,
    input: ui.input,
    send: sendTyped,
    sent: (data) => {
      render(absorb([data.message], false));
      scrollToBottom();
    },
    failed,
  });
  ui.app.addEventListener("keydown", (event) => {
    // Escape leaves a topic for the list, where only one of them fits the screen.
    if (event.key === "Escape" && !WIDE.matches && ui.app.dataset.view === "thread") back();
  });

  if (keyFromHash()) ui.app.dataset.view = "thread";
  setOnline(true);
  renderThread();
  renderTopics();
  poll();
})();
