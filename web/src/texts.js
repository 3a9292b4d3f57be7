// French texts shown to visitors, in one place.

export const CHALLENGES = {
  innovation: { label: "Innovation", color: "#E69F00", dark: "#8A5A00" },
  inclusion: { label: "Inclusion", color: "#CC79A7", dark: "#8E3F6B" },
  "industrie-4.0": { label: "Industrie 4.0", color: "#56B4E9", dark: "#005A8C" },
  "developpement-durable": { label: "Développement durable", color: "#009E73", dark: "#006B4E" },
};
export const challengeLabel = (c) => (CHALLENGES[c] ? CHALLENGES[c].label : "Découverte");
export const challengeColor = (c) => (CHALLENGES[c] ? CHALLENGES[c].color : "#BBBBBB");

export const ROLE_LABEL = ["visiteur", "professionnel·le", "enseignant·e"];

export const T = {
  connecting: "Connexion…",
  connected: "Connecté·e",
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
  newVersion: "Une nouvelle version est disponible : recharge la page.",
  zoneError: "Impossible de charger la carte de l'usine. Vérifie ta connexion puis recharge la page.",
  outOfRange: "Approche-toi pour ouvrir ce contenu.",
  unreachable: "Impossible d'aller à cet endroit.",
  unknownHotspot: "Ce contenu n'est plus disponible.",
  discovered: (who, title) => `${who} a découvert « ${title} »`,
  online: (n) => (n <= 1 ? `${n} visiteur en ligne` : `${n} visiteurs en ligne`),
  crowd: (n) => (n > 0 ? `et ${n} autre${n > 1 ? "s" : ""} autour de toi` : ""),
  viewers: (n) => (n <= 1 ? "Tu es seul·e à regarder ce contenu." : `${n} personnes regardent ce contenu.`),
  nearbyEmpty: "Aucun contenu à moins de 30 m. Marche vers les stands pour en trouver.",
  meters: (m) => `${Math.round(m)} m`,
};

/**
 * What a close code means for the visitor, and what the page does about it.
 * action: "retry" (backoff + resume), "delay" (retry after [min,max] seconds),
 * "new" (new session, same pseudonym), "ask" (back to the pseudonym screen),
 * "stop" (no reconnection).
 */
export function closeInfo(code, reason) {
  switch (code) {
    case 1000:
      return { action: "stop", text: "Tu as été déconnecté·e." };
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
    case 4005:
    case 4013:
    case 1001:
    case 1011:
    default:
      return { action: "retry", text: T.lost };
  }
}
