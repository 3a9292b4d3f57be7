// French texts of the chat (docs/PROTOCOL.md §9), in one place; pupils are
// spoken to with « tu ». The reasons of CHAT_BLOCKED come with a French hint
// from the server; these are the page's own words, used when it sends none.

const two = (n) => String(n).padStart(2, "0");

/** « 14 h 05 » in the visitor's time zone, for unix seconds. */
export const clock = (at) => {
  const d = new Date(at * 1000);
  return `${d.getHours()} h ${two(d.getMinutes())}`;
};

export const CHAT = {
  classChannel: "Ma classe",
  nearbyChannel: "Autour de moi",
  tab: (name, unread) => (unread ? `${name} (${unread} nouveau${unread > 1 ? "x" : ""})` : name),
  classOff: "Ton prof a fermé le tchat de la classe pour le moment.",
  noClass: "Rejoins ta classe avec le code de ton prof pour parler avec elle.",
  nearbyHelp: "Autour de toi, on parle avec les phrases toutes faites : tout le monde peut les lire.",
  nearbyFree: "Ton prof a ouvert l'écriture libre autour de toi : seuls tes camarades de classe la lisent.",
  empty: "Pas encore de message.",
  sendLabel: "Envoyer",
  textLabel: "Ton message",
  textHelp: "Sois gentil et ne donne jamais ton nom, ton numéro, ton adresse ou tes réseaux.",
  tooLong: (max) => `Ton message est trop long : ${max} caractères au plus.`,
  emptyText: "Écris d'abord ton message.",
  notConnected: "Pas de connexion pour le moment : réessaie dans un instant.",
  blocked: {
    phone: "Pas de numéro de téléphone ici, même écrit en lettres : c'est une information personnelle.",
    email: "Pas d'adresse e-mail ici : c'est une information personnelle.",
    handle: "Pas de pseudo de réseau social ici : c'est une information personnelle.",
    link: "Pas de lien dans le tchat.",
    insult: "Ce message contient une insulte : reformule-le gentiment.",
    hate: "Ce message peut blesser des gens : reformule-le.",
    sexual: "Ce message n'a pas sa place ici : reformule-le.",
    drugs: "Ce message n'a pas sa place ici : reformule-le.",
    other: "Ce message ne peut pas être envoyé : reformule-le.",
  },
  blockedNote: "Ton message n'a été envoyé à personne. Corrige-le puis renvoie-le.",
  rateLimited: (until) => `Tu écris trop vite : attends 30 secondes (jusqu'à ${clock(until)}) pour écrire de nouveau.`,
  muted: (until) => (until ? `Tu ne peux plus écrire dans le tchat jusqu'à ${clock(until)}.` : "Tu ne peux pas écrire dans le tchat pour le moment."),
  closed: "Le tchat de la classe est fermé.",
  notAllowed: "Ici, seules les phrases toutes faites sont possibles.",
  badText: "Ce message ne peut pas être envoyé (vide, trop long ou avec des caractères spéciaux).",
  unavailable: "Ce tchat n'est pas ouvert.",
  report: "Signaler",
  reportOf: (who) => `Signaler le message de ${who}`,
  reportAvatar: "Signaler ce visiteur",
  reportTitle: "Signaler à la modération",
  reportIntro: (who) => `Pourquoi signales-tu ${who} ? La modération du salon verra le message et les 10 messages d'avant, rien d'autre.`,
  reasons: ["Autre chose", "Insultes ou moqueries", "Demande ou donne des coordonnées, ou un rendez-vous", "Harcèlement ou menaces", "Contenu choquant"],
  pickReason: "Choisis une raison.",
  reportSend: "Envoyer le signalement",
  reportCancel: "Annuler",
  reported: "Merci : ton signalement a été envoyé à la modération.",
  reportGone: "Ce message est trop ancien ou a déjà été retiré : il ne peut plus être signalé.",
  removed: "Un message a été retiré par la modération.",
  quickTitle: "Phrases toutes faites",
  me: "moi",
  said: (who, text) => `${who} : ${text}`,
  past: "Messages d'avant ton arrivée",
};
