// French texts shown to visitors, in one place.

export const CHALLENGES = {
  innovation: { label: "Innovation", color: "#E69F00", dark: "#8A5A00" },
  inclusion: { label: "Inclusion", color: "#CC79A7", dark: "#8E3F6B" },
  "industrie-4.0": { label: "Industrie 4.0", color: "#56B4E9", dark: "#005A8C" },
  "developpement-durable": { label: "Développement durable", color: "#009E73", dark: "#006B4E" },
};
export const challengeLabel = (c) => (CHALLENGES[c] ? CHALLENGES[c].label : "Découverte");
/** A count as the page says it: exact below 1,000; « environ 98 000 » from
 * 1,000 on, where the server rounds it (PROTOCOL.md §4). French groups
 * thousands with a narrow no-break space. */
export function approx(n) {
  if (n < 1000) return String(n);
  return `environ ${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f")}`;
}

/** A témoignage speaker's role, in their gender. */
export function roleLabel(role, gender) {
  const f = gender === "f";
  switch (role) {
    case "apprenti": return f ? "apprentie" : "apprenti";
    case "etudiant": return f ? "étudiante" : "étudiant";
    default: return f ? "professionnelle" : "professionnel";
  }
}

/** "Inès, 34 ans, soudeuse (professionnelle)": who speaks in a témoignage. */
export function speakerLine(sp) {
  if (!sp) return "";
  const age = sp.age > 0 ? `, ${sp.age} ans` : "";
  return `${sp.name}${age}, ${sp.job} (${roleLabel(sp.role, sp.gender)})`;
}

/** A job named in both genders: "soudeuse ou soudeur", or one form when they are the same. */
export const jobName = (j) => (j.feminine === j.masculine ? j.feminine : `${j.feminine} ou ${j.masculine}`);
export const challengeColor = (c) => (CHALLENGES[c] ? CHALLENGES[c].color : "#BBBBBB");

/** "clique" or "touche": the same sentence on a phone uses the word for its screen. */
export const touchScreen = () => typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;

export const T = {
  connecting: "Connexion…",
  connected: "Connexion établie",
  disconnected: "Déconnexion",
  lost: "Connexion perdue, reconnexion…",
  cannotConnect: "Connexion au serveur impossible pour le moment, nouvel essai…",
  retryIn: (s) => `Connexion perdue, nouvel essai dans ${s} s…`,
  restart: "Le serveur redémarre, reconnexion dans quelques secondes…",
  restarted: "Le serveur a redémarré : on te reconnecte avec ton pseudonyme…",
  expired: "Ta session a expiré : on te reconnecte avec ton pseudonyme…",
  blocked:
    "Ton réseau semble bloquer la connexion en temps réel (WebSocket). " +
    "Si tu es au collège ou au lycée, demande à ton professeur ou à l'administrateur du réseau " +
    "d'autoriser ce site, ou essaie depuis un autre réseau.",
  outage: "La connexion au serveur est coupée : la visite est en pause.",
  outageRetry: (s) => (s > 0 ? `Nouvel essai dans ${s} s.` : "Nouvel essai en cours…"),
  newVersion: "Une nouvelle version est disponible : recharge la page.",
  zoneError: "Impossible de charger la carte de l'usine. Vérifie ta connexion puis recharge la page.",
  outOfRange: "Approche-toi pour ouvrir ce contenu.",
  unreachable: "Impossible d'aller à cet endroit.",
  unknownHotspot: "Ce contenu n'est plus disponible.",
  discovered: (who, title) => `${who} a découvert « ${title} »`,
  // From 1,000 on the server rounds both counts (PROTOCOL.md §4): say so.
  online: (n) => (n <= 1 ? `${n} visiteur en ligne` : `${approx(n)} visiteurs en ligne`),
  /** Who is near: the names of the nearest, then how many more. */
  around: (names, more) => {
    const s = more > 1 ? "s" : "";
    if (!names.length) return more ? `Près de toi : ${more} visiteur${s}.` : "";
    if (more) return `Près de toi : ${names.join(", ")} et ${more} autre${s} visiteur${s}.`;
    const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} et ${names[names.length - 1]}` : names[0];
    return `Près de toi : ${list}.`;
  },
  crowd: (n) => (n > 0 ? `Il y a foule : ${approx(n)} visiteur${n > 1 ? "s" : ""} de plus autour de toi, trop pour les montrer tous.` : ""),
  viewers: (n) => (n <= 1 ? "Personne d'autre ne regarde ce contenu." : `${n} personnes regardent ce contenu.`),
  nearbyEmpty: "Aucun contenu à moins de 30 m. Marche vers les stands pour en trouver.",
  seen: "déjà vu",
  points: (n) => `${n} point${n > 1 ? "s" : ""}`,
  earn: (n) => `Lis ce contenu jusqu'au bout, près de son point lumineux, pour gagner ${n} point${n > 1 ? "s" : ""}.`,
  earned: (n) => `Bravo, tu as gagné ${n} point${n > 1 ? "s" : ""} !`,
  alreadyEarned: "Déjà vu : tu as déjà gagné les points de ce contenu.",
  challengeSeen: (seen, total) => `${seen} / ${total} découverts`,
  quizRight: (right, total) => `${right} / ${total} bonnes réponses aux quiz`,
  badgeEarned: (title) => `Nouveau badge : « ${title} » !`,
  badgeNotice: (who, title) => `${who} a gagné le badge « ${title} » !`,
  rightAnswer: (n) => (n > 0 ? `Bonne réponse ! +${n} point${n > 1 ? "s" : ""}` : "Bonne réponse !"),
  wrongAnswer: "Ce n'est pas la bonne réponse.",
  tooFast: "Prends le temps de lire avant de répondre.",
  alreadyAnswered: "Tu as déjà répondu à cette question.",
  notOpen: "Ouvre ce contenu près de son point lumineux pour répondre.",
  unavailable: "Le salon ne répond pas pour le moment : réessaie dans un instant.",
  noGroup: "Ce classement réunit les élèves d'une même classe. Tu n'es dans aucune classe pour cette visite.",
  keyNote: "Tes premiers points ! Note ta clé : avec ton pseudonyme, elle te rend ta progression un autre jour, sur n'importe quel appareil.",
  pseudoTakenWithKey: "Ce pseudonyme est encore utilisé. Si c'est ta visite d'avant, elle se termine une minute après la fermeture de son onglet : réessaie dans une minute.",
  erased: "Tes données ont été effacées : points, badges, clé et liens de partage. Tu peux recommencer une visite.",
  rank: (r, n) => (r > 0 ? `Ta place : ${r}${r === 1 ? "re" : "e"} sur ${n}` : "Gagne des points pour entrer dans le classement."),
  sharePath: "Lien de partage",
  shareGone: "Le lien de partage est supprimé.",
  meters: (m) => `${Math.round(m)} m`,
  intro: (touch) => `Promène-toi dans une zone industrielle : le port, les usines, les centrales… ${touch ? "Touche" : "Clique sur"} les points lumineux pour découvrir des métiers, des machines et des témoignages.`,
  controls: (touch) => (touch
    ? "Touche le sol pour y aller, touche un point lumineux pour l'ouvrir, touche un visiteur pour voir qui c'est. Glisse un doigt pour tourner la vue, écarte deux doigts pour zoomer."
    : "Flèches ou Z Q S D pour marcher, clic sur le sol pour y aller, clic sur un point lumineux pour l'ouvrir, clic sur un visiteur pour voir qui c'est. Maj + flèches gauche et droite (ou glisser) pour tourner la vue, + et − pour zoomer, Entrée pour ouvrir le contenu le plus proche."),
  minimap: (touch) => `Plan de l'usine avec ta position (${touch ? "touche" : "clique"} pour y aller)`,
};

/**
 * Where one is, as a sentence: "Tu es au stand Aéronautique", "Tu es sur la
 * place d'accueil". place: {kind: "booth" or an area kind, name}, or null.
 */
export function whereText(place) {
  if (!place || !place.name) return "Tu es dans la zone industrielle";
  const name = place.name;
  if (place.kind === "booth") return `Tu es au stand ${name}`;
  const low = name.charAt(0).toLowerCase() + name.slice(1);
  const first = name.split(/[\s']/)[0].toLowerCase();
  if (first === "place" || first === "cour") return `Tu es sur la ${low}`;
  if (/^[aeiouyàâéèêîôû]/i.test(name)) return `Tu es à l'${low}`;
  if (first === "parc" || first === "quartier") return `Tu es dans le ${low}`;
  if (["centre", "pôle", "port", "hall", "site", "village"].includes(first)) return `Tu es au ${low}`;
  if (["centrale", "zone", "halle", "usine", "gare"].includes(first)) return `Tu es à la ${low}`;
  return `Tu es ici : ${name}`;
}

/**
 * A refused pseudonym explained with examples, from what the visitor typed;
 * the server's reason when nothing here applies.
 */
export function pseudonymHelp(typed, reason) {
  if (/\p{Extended_Pictographic}/u.test(typed)) {
    return "Les emojis (comme 🦊) ne sont pas acceptés. Écris seulement des lettres, par exemple « Léo » ou « Léo Renard ».";
  }
  if (/[-_. ]{2,}/.test(typed)) return "Mets un seul signe entre deux mots : « Léo Renard » ou « Léo-Renard », pas « Léo--Renard ».";
  if ((typed.match(/\d/g) || []).length > 4) return "4 chiffres au plus : « Tom 2012 » est accepté, « Tom 20122 » ne l'est pas.";
  const odd = typed.match(/[^\p{L}\p{N}\-_. ]/u);
  if (odd) return `Le signe « ${odd[0]} » n'est pas accepté. Écris des lettres et au plus 4 chiffres, par exemple « Lina-B » ou « Tom 42 ».`;
  return reason || "Ce pseudonyme n'est pas accepté. Choisis-en un autre, par exemple « Léo » ou « Lina-B ».";
}

/**
 * What a close code means for the visitor, and what the page does about it.
 * action: "retry" (backoff + resume), "delay" (retry after [min,max] seconds),
 * "new" (new session, same pseudonym), "ask" (back to the pseudonym screen),
 * "stop" (no reconnection).
 */
export function closeInfo(code, reason) {
  switch (code) {
    case 1000:
      return { action: "stop", text: "La connexion a été fermée." };
    case 1009:
    case 4000:
    case 4002:
      return { action: "retry", text: "Erreur de communication avec le serveur, nouvel essai…" };
    case 1012:
      return { action: "delay", min: 0.5, max: 5, text: T.restart };
    case 4001:
      return { action: "stop", reload: true, text: "Cette page n'est plus à jour : recharge la page pour continuer." };
    case 4003:
      return { action: "delay", min: 10, max: 30, text: "L'usine est pleine pour le moment. Nouvel essai automatique dans quelques secondes…" };
    case 4004:
      return { action: "delay", min: 2, max: 10, text: "Beaucoup de visiteurs arrivent en même temps. Nouvel essai dans quelques secondes…" };
    case 4006:
      return { action: "stop", resumeHere: true, text: "Ta visite continue dans un autre onglet ou une autre fenêtre." };
    case 4007:
      // The reason says whether the server restarted (sessions live in its memory) or the session expired.
      return { action: "new", text: reason === "restarted" ? T.restarted : T.expired };
    case 4008:
      return { action: "delay", min: 20, max: 40, text: "Trop d'actions en peu de temps. Reconnexion dans quelques secondes…" };
    case 4014:
      // Shared presence (Redis) is unreachable: no new session can start for now.
      return { action: "delay", min: 5, max: 15, text: "Le salon est momentanément indisponible. Nouvel essai automatique dans quelques secondes…" };
    case 4010:
    case 4011:
    case 4012:
      return { action: "ask", text: reason || "Ce pseudonyme n'est pas accepté. Choisis-en un autre." };
    case 4015:
      // ERASE done: everything about the visitor is gone, the session too.
      return { action: "erased", text: reason || "Tes données ont été effacées." };
    case 4016:
      // The progress key of the HELLO opens nothing: the reason says why.
      return { action: "ask", key: true, text: reason || "Cette clé n'ouvre aucune progression : vérifie les trois mots et ton pseudonyme." };
    case 4017:
      // The sixth wrong join code on this connection.
      return { action: "stop", text: reason || "Trop d'essais de code : demande le bon code à ton professeur, puis reviens." };
    case 4018:
      // A staff ticket refused: the teacher's page gets a new one.
      return { action: "stop", staff: true, text: "Connexion enseignant refusée : nouvel essai…" };
    case 4019:
      return { action: "stop", staff: true, revoked: true, text: "Ce lien enseignant a été annulé par les organisateurs. Demandez-en un nouveau." };
    case 4020:
      // Banned by a moderator (docs/PROTOCOL.md §9): never reconnect.
      return { action: "stop", text: reason || "Tu as été exclu du salon par la modération." };
    case 4021:
      // Kicked: the session ended; the visitor may come back later by reloading.
      return { action: "stop", text: reason || "La modération a mis fin à ta visite." };
    case 4005:
    case 4013:
    case 1001:
    case 1011:
    default:
      return { action: "retry", text: T.lost };
  }
}
