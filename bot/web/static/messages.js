// Haven's local pages (the web chat and the staff page): what both do alike, as window.Haven.
// Each page's own script comes after this one and uses it.
//
// Talking to the sandbox's client HTTP API: JSON calls, and a long poll with a version cursor
// (?since=<version>&wait=<s>) that hands every new, edited or deleted message over with its
// latest state. Showing messages as Telegram does: bubbles, inline keyboards, and text built as
// DOM nodes from plain_text and entities; nothing the bot or anyone else writes is ever parsed
// as HTML, and only http:, https: and mailto: URLs become links.
"use strict";

window.Haven = (() => {
  const POLL_SECONDS = 25;
  const TOAST_MS = 4000;
  const PRESS_PAUSE_MS = 1500;

  // ---- talking to the sandbox ----------------------------------------------------------

  async function call(url, { method = "GET", body, signal } = {}) {
    const response = await fetch(url, {
      method,
      signal,
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

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  // Reads the messages for as long as active() says so: read(query) fetches them, receive(data,
  // initial) takes each answer (initial: the first, with every message so far), reset() is called
  // when the server restarted with an empty sandbox, failed(error) after each failure.
  async function poll({ read, receive, reset, failed, active = () => true }) {
    let since = null;
    let failures = 0;
    while (active()) {
      const query = since === null ? "" : `?since=${since}&wait=${POLL_SECONDS}`;
      try {
        const data = await read(query);
        if (!active()) return;
        if (since !== null && data.version < since) {
          // The server restarted with an empty sandbox: show the chat as it is now.
          reset();
          since = null;
          continue;
        }
        const initial = since === null;
        since = data.version;
        failures = 0;
        await receive(data, initial);
      } catch (error) {
        if (!active()) return;
        failures += 1;
        failed(error);
        await sleep(Math.min(5000, 250 * 2 ** failures));
      }
    }
  }

  // ---- the page around the messages ----------------------------------------------------

  // The elements every page has (page.html, parts.html: the pages name the list of messages
  // #messages and what scrolls it #chat), and the page's own by id, as camelCase names.
  function elements(...ids) {
    const $ = (id) => document.getElementById(id);
    const name = (id) => id.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
    const own = ids.map((id) => [name(id), $(id)]);
    return {
      app: $("app"),
      avatar: $("peer-avatar"),
      title: $("peer-name"),
      status: $("status"),
      notice: $("notice"),
      chat: $("chat"),
      messages: $("messages"),
      composer: $("composer"),
      input: $("message"),
      toast: $("toast"),
      ...Object.fromEntries(own),
    };
  }

  // The toast at the bottom: show(text, long) shows it for a while; a click hides it.
  function toast(element) {
    let timer = 0;
    element.addEventListener("click", () => {
      element.hidden = true;
    });
    return (text, long = false) => {
      element.textContent = text;
      element.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(() => {
        element.hidden = true;
      }, long ? TOAST_MS * 2 : TOAST_MS);
    };
  }

  // The message box: Enter or the send button hands the text to send(text); once that worked
  // the box is emptied and sent(result) follows, else failed().
  function composer({ form, input, send, sent, failed }) {
    const grow = () => {
      input.style.height = "auto";
      input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
    };
    const submit = async () => {
      const text = input.value;
      if (!text.trim()) return;
      try {
        const result = await send(text);
        input.value = "";
        grow();
        sent(result);
      } catch {
        failed();
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    input.addEventListener("input", grow);
  }

  function isNearBottom(scroller) {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }

  function scrollToBottom(scroller) {
    scroller.scrollTop = scroller.scrollHeight;
  }

  // Puts a message's element into the list in the order of the message ids.
  function insertInOrder(list, messageId, element) {
    element.dataset.messageId = String(messageId);
    for (const other of list.children) {
      if (Number(other.dataset.messageId) > messageId) {
        list.insertBefore(element, other);
        return;
      }
    }
    list.append(element);
  }

  // ---- showing messages ----------------------------------------------------------------

  function safeUrl(value) {
    try {
      const url = new URL(value);
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  function newTabLink(href) {
    const link = document.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  // What draws messages for one page: word(key) is the page's words, locale() its language
  // tag, press(messageId, button) sends a button's press and failed() says that one failed.
  function renderer({ word, locale, press, failed }) {
    // One message as a list item: the bubble with the sender (shown when named, else for screen
    // readers only), an optional quote, a note in place of an attachment, the text, "edited" and
    // the time; the inline keyboard under it unless keys is false.
    function message(data, { side, sender, named = false, quote = null, note = "", edited, keys }) {
      const item = document.createElement("li");
      item.className = `message ${side}`;
      item.dataset.messageId = String(data.message_id);

      const bubble = document.createElement("div");
      bubble.className = "bubble";
      const who = document.createElement("span");
      who.className = named ? "sender" : "visually-hidden";
      who.textContent = sender;
      bubble.append(who);
      if (quote) bubble.append(quote);

      const text = document.createElement("div");
      text.className = "text";
      if (note) {
        const span = document.createElement("span");
        span.className = "attachment";
        span.textContent = note;
        text.append(span, data.plain_text ? "\n" : "");
      }
      text.append(entities(data.plain_text || "", data.entities || []));
      bubble.append(text, meta(data.date, edited));
      item.append(bubble);

      const rows = data.reply_markup?.inline_keyboard;
      if (keys !== false && Array.isArray(rows) && rows.length) {
        item.append(keyboard(data.message_id, rows));
      }
      return item;
    }

    function meta(date, edited) {
      const line = document.createElement("span");
      line.className = "meta";
      if (edited) {
        const mark = document.createElement("span");
        mark.className = "edited";
        mark.textContent = word("edited");
        line.append(mark, " ");
      }
      const time = document.createElement("time");
      const when = new Date(date * 1000);
      time.dateTime = when.toISOString();
      time.textContent = formatTime(when);
      line.append(time);
      return line;
    }

    function formatTime(date) {
      try {
        return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(
          date,
        );
      } catch {
        return date.toTimeString().slice(0, 5);
      }
    }

    function keyboard(messageId, rows) {
      const group = document.createElement("div");
      group.className = "keyboard";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", word("buttons"));
      for (const row of rows) {
        if (!Array.isArray(row)) continue;
        const line = document.createElement("div");
        line.className = "row";
        for (const button of row) line.append(key(messageId, button));
        group.append(line);
      }
      return group;
    }

    function key(messageId, button) {
      const label = String(button.text || "");
      const href = button.url ? safeUrl(button.url) : null;
      if (href) {
        const link = newTabLink(href);
        link.className = "key link-key";
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
      const element = document.createElement("button");
      element.type = "button";
      element.className = "key";
      element.textContent = label;
      if (typeof button.callback_data === "string") {
        element.addEventListener("click", () => pressKey(messageId, button, element));
      } else {
        element.disabled = true; // a kind of button a browser cannot act on
      }
      return element;
    }

    async function pressKey(messageId, button, element) {
      if (element.getAttribute("aria-disabled") === "true") return;
      const group = element.closest(".keyboard");
      const siblings = group ? group.querySelectorAll(".key") : [element];
      for (const sibling of siblings) sibling.setAttribute("aria-disabled", "true");
      element.classList.add("pending");
      try {
        await press(messageId, button);
      } catch {
        failed();
      } finally {
        // If the bot keeps the keyboard, it works again; usually it is gone or changed by now.
        setTimeout(() => {
          for (const sibling of siblings) sibling.removeAttribute("aria-disabled");
          element.classList.remove("pending");
        }, PRESS_PAUSE_MS);
      }
    }

    // Entities count UTF-16 code units, as JavaScript strings do, so offsets index directly.
    // Telegram's entities nest; one that overlaps its parent is cut at the parent's end.
    function entities(text, list) {
      const root = document.createDocumentFragment();
      const spans = list
        .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
        .map((e) => ({
          entity: e,
          start: e.offset,
          end: Math.min(text.length, e.offset + e.length),
        }))
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
        const link = newTabLink(href);
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

    return { message };
  }

  return Object.freeze({
    call,
    poll,
    elements,
    sleep,
    toast,
    composer,
    isNearBottom,
    scrollToBottom,
    insertInOrder,
    renderer,
  });
})();
