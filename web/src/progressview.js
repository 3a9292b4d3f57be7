// « Ma progression » and « Classement » in the side panel: points, the four
// challenges ("12 / 67 découverts"), quiz answers, badges (earned ones can
// be shared), the progress key, the leaderboard, and « Effacer mes
// données ». The progress is the server's (PROGRESS events): the page
// keeps no list of its own.

import { T, CHALLENGES, challengeLabel } from "./texts.js";
import { SCOPE } from "./protocol.js";

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ProgressView {
  /**
   * handlers: {share(badgeId), unshare(badgeId), leaderboard(scope),
   * erase(), remember(bool)}
   */
  constructor(handlers) {
    this.h = handlers;
    this.seen = new Set();
    this.badges = []; // [{id, title, description, earnedAt}]
    this.points = 0;
    this.key = "";
    this.scope = SCOPE.FAIR;
    this.shareBadge = "";
    $("lb-fair").addEventListener("click", () => this.setScope(SCOPE.FAIR));
    $("lb-group").addEventListener("click", () => this.setScope(SCOPE.GROUP));
    $("share-copy").addEventListener("click", () => this._copy());
    $("share-delete").addEventListener("click", () => this.shareBadge && this.h.unshare(this.shareBadge));
    $("remember-here").addEventListener("change", (ev) => this.h.remember(ev.target.checked));
    const dlg = $("erase-dialog");
    $("erase-btn").addEventListener("click", () => {
      dlg.showModal();
      $("erase-cancel").focus();
    });
    $("erase-cancel").addEventListener("click", () => dlg.close());
    $("erase-confirm").addEventListener("click", () => {
      dlg.close();
      this.h.erase();
    });
  }

  /** Forgets everything (a new session, an erasure). */
  reset() {
    this.seen = new Set();
    this.badges = [];
    this.points = 0;
    this.key = "";
    this._renderBadges();
    this.hideShare();
  }

  /** A PROGRESS event; returns the hotspots it newly marks seen. */
  apply(p) {
    const added = [];
    if (p.full) {
      this.seen = new Set(p.seen);
      this.badges = p.badges;
      this._renderBadges();
    } else {
      for (const id of p.seen) {
        if (!this.seen.has(id)) added.push(id);
        this.seen.add(id);
      }
    }
    this.points = p.points;
    const pts = $("points");
    pts.hidden = false;
    pts.textContent = `★ ${T.points(p.points)}`;
    $("progress-points").textContent = T.points(p.points);
    const list = $("progress-challenges");
    list.textContent = "";
    for (const c of p.challenges) {
      const li = el("li");
      const label = el("span", "ch-label", `${challengeLabel(c.challenge)} : ${T.challengeSeen(c.seen, c.total)}`);
      const bar = document.createElement("progress");
      bar.max = c.total || 1;
      bar.value = c.seen;
      bar.setAttribute("aria-label", `${challengeLabel(c.challenge)} : ${T.challengeSeen(c.seen, c.total)}`);
      if (CHALLENGES[c.challenge]) li.dataset.challenge = c.challenge;
      li.append(label, bar);
      list.appendChild(li);
    }
    $("progress-quiz").textContent = p.quizTotal ? T.quizRight(p.quizRight, p.quizTotal) : "";
    if (p.key) this.setKey(p.key);
    return added;
  }

  /** A BADGE event: the badge is earned now. */
  badge(b) {
    const i = this.badges.findIndex((x) => x.id === b.id);
    if (i >= 0) this.badges[i] = { ...this.badges[i], earnedAt: b.earnedAt };
    else this.badges.push({ id: b.id, title: b.title, description: b.description, earnedAt: b.earnedAt });
    this._renderBadges();
  }

  _renderBadges() {
    const list = $("badges");
    list.textContent = "";
    const earned = this.badges.filter((b) => b.earnedAt > 0);
    const later = this.badges.filter((b) => !b.earnedAt);
    for (const b of [...earned, ...later]) {
      const li = el("li", b.earnedAt ? "earned" : "locked");
      li.dataset.badge = b.id;
      li.append(el("strong", "", b.title), el("span", "help", ` : ${b.description}${b.earnedAt ? "" : " (à gagner)"}`));
      if (b.earnedAt) {
        const btn = el("button", "secondary small", "Partager");
        btn.type = "button";
        btn.setAttribute("aria-label", `Partager le badge « ${b.title} »`);
        btn.addEventListener("click", () => this.h.share(b.id));
        li.appendChild(btn);
      }
      list.appendChild(li);
    }
  }

  /** The progress key, shown while the tab lives. */
  setKey(key, remember) {
    this.key = key;
    $("progress-key").hidden = !key;
    $("progress-key-words").textContent = key;
    if (remember !== undefined) $("remember-here").checked = remember;
  }

  /** A SHARE_LINK: the badge's public page (an absolute address on this origin), or deleted. */
  shareLink(ev) {
    const status = $("share-status");
    if (!ev.path) {
      this.hideShare();
      status.textContent = T.shareGone;
      return;
    }
    if (!ev.path.startsWith("/p/")) return;
    const b = this.badges.find((x) => x.id === ev.badge);
    this.shareBadge = ev.badge;
    $("share-badge").textContent = b ? b.title : ev.badge;
    $("share-url").value = `${window.location.origin}${ev.path}`;
    $("share").hidden = false;
    status.textContent = "";
    $("share-url").select();
  }

  hideShare() {
    this.shareBadge = "";
    $("share").hidden = true;
    $("share-url").value = "";
  }

  async _copy() {
    const input = $("share-url");
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      $("share-status").textContent = "Lien copié.";
    } catch {
      $("share-status").textContent = "Sélectionne le lien et copie-le.";
    }
  }

  setScope(scope) {
    this.scope = scope;
    $("lb-fair").setAttribute("aria-pressed", scope === SCOPE.FAIR ? "true" : "false");
    $("lb-group").setAttribute("aria-pressed", scope === SCOPE.GROUP ? "true" : "false");
    this.h.leaderboard(scope);
  }

  /** A LEADERBOARD event. */
  leaderboard(ev) {
    if (ev.scope !== this.scope) return;
    const list = $("leaderboard");
    list.textContent = "";
    for (const e of ev.top) {
      const li = el("li");
      li.append(el("span", "rank", `${e.rank}.`), el("span", "who", ` ${e.pseudonym}`), el("span", "pts", ` ${T.points(e.points)}`));
      list.appendChild(li);
    }
    $("leaderboard-rank").textContent = T.rank(ev.rank, ev.players);
  }

  /** ERROR no_group for the class board. */
  noGroup() {
    $("leaderboard").textContent = "";
    $("leaderboard-rank").textContent = T.noGroup;
  }
}
