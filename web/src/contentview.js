// The hotspot panel's content (docs/PROTOCOL.md §5, HOTSPOT_CONTENT): the
// text as text nodes (never innerHTML), the kind's own part (a témoignage's
// speaker and portrait, a visite's steps with next and back, a video or an
// audio with French captions, a quiz whose answers the server checks, the
// questionnaire and its jobs), and how its points are going.

import { T, speakerLine, jobName } from "./texts.js";

const $ = (id) => document.getElementById(id);

/** A same-origin path: the page never loads anything from another site. */
const sameOrigin = (src) => typeof src === "string" && src.startsWith("/") && !src.startsWith("//");

const KIND_LABEL = {
  article: "Article", temoignage: "Témoignage", visite: "Visite virtuelle", video: "Vidéo", audio: "Audio",
  quiz: "Quiz", questionnaire: "Questionnaire",
};

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Plain text, paragraphs separated by a blank line, as <p> text nodes. */
export function paragraphs(host, text) {
  host.textContent = "";
  for (const part of String(text || "").split(/\n\s*\n/)) {
    if (part.trim()) host.appendChild(el("p", "", part.trim()));
  }
}

export class ContentView {
  /** handlers: {answer(hotspotId, q, choices), questionnaire(hotspotId, answers)} */
  constructor(handlers) {
    this.h = handlers;
    this.c = null;
    this.step = 0;
    this.timer = 0;
    this.until = 0;
    $("panel-step-back").addEventListener("click", () => this._step(-1));
    $("panel-step-next").addEventListener("click", () => this._step(1));
  }

  /** Fills the panel with a HOTSPOT_CONTENT. */
  show(c) {
    this.c = c;
    clearInterval(this.timer);
    $("panel-kind").textContent = KIND_LABEL[c.contentKind] || "";
    const sp = $("panel-speaker");
    sp.hidden = !c.speaker;
    sp.textContent = c.speaker ? speakerLine(c.speaker) : "";
    const img = $("panel-media");
    const steps = c.contentKind === "visite" && c.steps.length > 0;
    if (!steps && c.contentKind !== "video" && sameOrigin(c.media)) {
      img.src = c.media;
      img.alt = c.alt || `Illustration : ${c.title}`;
      img.hidden = false;
      img.classList.toggle("portrait", c.contentKind === "temoignage");
    } else {
      img.removeAttribute("src");
      img.alt = "";
      img.hidden = true;
    }
    const text = $("panel-text");
    paragraphs(text, c.text);
    text.classList.toggle("quote", c.contentKind === "temoignage");
    this._av(c);
    $("panel-steps").hidden = !steps;
    this.step = 0;
    if (steps) this._step(0);
    this._quiz(c);
    this._questionnaire(c);
    $("panel-key").hidden = true;
    this._reading(c);
  }

  get hotspotId() {
    return this.c ? this.c.hotspotId : null;
  }

  /** A video or an audio with its captions (French, shown by default). */
  _av(c) {
    const host = $("panel-av");
    host.textContent = "";
    if (!c.av || !sameOrigin(c.av.src) || !(c.contentKind === "video" || c.contentKind === "audio")) return;
    const media = document.createElement(c.contentKind === "video" ? "video" : "audio");
    media.controls = true;
    media.preload = "metadata";
    if (c.contentKind === "video" && sameOrigin(c.av.poster)) media.poster = c.av.poster;
    media.setAttribute("aria-label", c.title);
    const src = document.createElement("source");
    src.src = c.av.src;
    media.appendChild(src);
    if (sameOrigin(c.av.captions)) {
      const track = document.createElement("track");
      track.kind = "captions";
      track.srclang = "fr";
      track.label = "Français";
      track.src = c.av.captions;
      track.default = true;
      media.appendChild(track);
    }
    host.appendChild(media);
  }

  _step(d) {
    const steps = this.c ? this.c.steps : [];
    if (!steps.length) return;
    this.step = Math.max(0, Math.min(steps.length - 1, this.step + d));
    const s = steps[this.step];
    $("panel-step-count").textContent = `Étape ${this.step + 1} sur ${steps.length}`;
    const img = $("panel-step-img");
    if (sameOrigin(s.src)) img.src = s.src;
    img.alt = s.alt || "";
    $("panel-step-caption").textContent = s.caption;
    $("panel-step-back").disabled = this.step === 0;
    $("panel-step-next").disabled = this.step === steps.length - 1;
  }

  // ------------------------------------------------------------ quiz

  _quiz(c) {
    const host = $("panel-quiz");
    host.textContent = "";
    this.questions = [];
    if (c.contentKind !== "quiz") return;
    c.questions.forEach((q, qi) => {
      const fs = el("fieldset", "question");
      const legend = el("legend", "", `Question ${qi + 1} : ${q.prompt}`);
      fs.appendChild(legend);
      if (q.multiple) fs.appendChild(el("p", "help", "Plusieurs réponses possibles : coche toutes les bonnes."));
      const inputs = q.choices.map((text, ci) => {
        const label = el("label", "choice");
        const input = document.createElement("input");
        input.type = q.multiple ? "checkbox" : "radio";
        input.name = `q-${c.hotspotId}-${qi}`;
        input.value = String(ci);
        label.append(input, document.createTextNode(` ${text}`));
        fs.appendChild(label);
        return { input, label };
      });
      const btn = el("button", "", "Valider ma réponse");
      btn.type = "button";
      const result = el("p", "result");
      result.setAttribute("role", "status");
      const explanation = el("p", "explanation");
      btn.addEventListener("click", () => {
        const picked = inputs.map((it, i) => (it.input.checked ? i : -1)).filter((i) => i >= 0);
        if (!picked.length) {
          result.textContent = q.multiple ? "Coche au moins une réponse." : "Choisis une réponse.";
          return;
        }
        result.textContent = "";
        this.h.answer(c.hotspotId, qi, picked);
      });
      fs.append(btn, result, explanation);
      host.appendChild(fs);
      const entry = { inputs, btn, result, explanation };
      this.questions.push(entry);
      if (q.answer) this._showAnswer(entry, q.answer.right, q.answer.rightChoices, q.answer.explanation, -1);
    });
  }

  _showAnswer(entry, right, rightChoices, explanation, points) {
    for (const [i, it] of entry.inputs.entries()) {
      it.input.disabled = true;
      it.label.classList.toggle("right", rightChoices.includes(i));
    }
    entry.btn.hidden = true;
    entry.result.textContent = right ? T.rightAnswer(points > 0 ? points : 0) : T.wrongAnswer;
    entry.result.classList.toggle("is-right", right);
    entry.explanation.textContent = explanation;
  }

  /** ANSWER_RESULT for the open quiz. */
  answered(ev) {
    if (!this.c || ev.hotspotId !== this.c.hotspotId) return;
    const entry = this.questions[ev.question];
    if (entry) this._showAnswer(entry, ev.right, ev.rightChoices, ev.explanation, ev.points);
  }

  /** An ERROR about an answer: said under its question. */
  answerError(question, text) {
    const entry = this.questions && this.questions[question];
    if (entry) entry.result.textContent = text;
  }

  // ------------------------------------------------------------ questionnaire

  _questionnaire(c) {
    const host = $("panel-questionnaire");
    host.textContent = "";
    this.qn = null;
    if (c.contentKind !== "questionnaire" || !c.questionnaire) return;
    const groups = c.questionnaire.questions.map((q, qi) => {
      const fs = el("fieldset", "question");
      fs.appendChild(el("legend", "", `${qi + 1}. ${q.prompt}`));
      const inputs = q.choices.map((text, ci) => {
        const label = el("label", "choice");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = `qn-${qi}`;
        input.value = String(ci);
        label.append(input, document.createTextNode(` ${text}`));
        fs.appendChild(label);
        return input;
      });
      host.appendChild(fs);
      return inputs;
    });
    const btn = el("button", "", "Voir les métiers qui me ressemblent");
    btn.type = "button";
    const status = el("p", "result");
    status.setAttribute("role", "status");
    const jobs = el("ul", "jobs");
    btn.addEventListener("click", () => {
      const answers = groups.map((inputs) => {
        const i = inputs.findIndex((x) => x.checked);
        return i >= 0 ? i : null;
      });
      if (answers.every((a) => a === null)) {
        status.textContent = "Réponds à au moins une question.";
        return;
      }
      status.textContent = "";
      this.h.questionnaire(c.hotspotId, answers);
    });
    host.append(btn, status, jobs);
    this.qn = { status, jobs };
  }

  /** QUESTIONNAIRE_RESULT: the jobs, each in both genders with its description. */
  jobs(ev) {
    if (!this.qn || !this.c || ev.hotspotId !== this.c.hotspotId) return;
    const { status, jobs } = this.qn;
    jobs.textContent = "";
    status.textContent = ev.jobs.length ? "Des métiers qui pourraient te plaire :" : "Réponds à plus de questions pour voir des métiers.";
    for (const j of ev.jobs) {
      const li = el("li");
      li.append(el("strong", "", jobName(j)), document.createTextNode(` : ${j.description}`));
      jobs.appendChild(li);
    }
  }

  questionnaireError(text) {
    if (this.qn) this.qn.status.textContent = text;
  }

  // ------------------------------------------------------------ points

  /** How the content's points are going: to earn (with the reading time running), earned, or earned before. */
  _reading(c) {
    const p = $("panel-points");
    if (c.seen) {
      p.textContent = T.alreadyEarned;
      return;
    }
    if (!c.points) {
      p.textContent = "";
      return;
    }
    p.textContent = T.earn(c.points);
  }

  /** The content's points just came (a PROGRESS listing it). */
  earned(hotspotId, points) {
    if (!this.c || this.c.hotspotId !== hotspotId) return;
    $("panel-points").textContent = T.earned(points);
  }

  /** A short message under the content (a badge earned while reading). */
  note(text) {
    const p = $("panel-points");
    p.textContent = p.textContent ? `${p.textContent} ${text}` : text;
  }

  /** The progress key, shown once in the panel where the first points came. */
  showKey(key) {
    if (!key) return;
    $("panel-key-note").textContent = T.keyNote;
    $("panel-key-words").textContent = key;
    $("panel-key").hidden = false;
  }
}
