package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sector is an industrial sector of a booth. Booths are named after their
// sector, never after a real company.
type sector struct {
	key     string // short key, the booth's sector property
	name    string // French display name, the booth's name
	dans    string // "dans l'aéronautique": the sector as a place in a sentence
	product string // what its factories make, as a sentence object
}

func sectors() []sector {
	return []sector{
		{"aero", "Aéronautique", "dans l'aéronautique", "des pièces d'hélicoptère"},
		{"nucleaire", "Énergie nucléaire", "dans le nucléaire", "des composants de centrale"},
		{"chimie", "Chimie", "dans la chimie", "des peintures et des colles"},
		{"agro", "Agroalimentaire", "dans l'agroalimentaire", "des yaourts et des biscuits"},
		{"plasturgie", "Plasturgie", "dans la plasturgie", "des emballages en plastique recyclé"},
		{"metallurgie", "Métallurgie", "dans la métallurgie", "des tôles d'acier et d'aluminium"},
		{"pharma", "Pharmacie", "dans la pharmacie", "des médicaments"},
		{"micro", "Microélectronique", "dans la microélectronique", "des puces électroniques"},
		{"auto", "Automobile", "dans l'automobile", "des voitures électriques"},
		{"ferroviaire", "Ferroviaire", "dans le ferroviaire", "des trains et des tramways"},
		{"naval", "Construction navale", "dans la construction navale", "des navires"},
		{"renouvelables", "Énergies renouvelables", "dans les énergies renouvelables", "des pales d'éoliennes"},
		{"textile", "Textile technique", "dans le textile", "des tissus techniques"},
		{"robotique", "Robotique", "dans la robotique", "des bras robotisés"},
		{"papier", "Papier et carton", "dans le papier-carton", "du carton recyclé"},
		{"verre", "Verrerie", "dans la verrerie", "des bouteilles en verre"},
		{"cosmetique", "Cosmétique", "dans la cosmétique", "des crèmes et des parfums"},
		{"mecanique", "Mécanique", "dans la mécanique", "des pompes et des moteurs"},
		{"electronique", "Électronique", "dans l'électronique", "des cartes électroniques"},
		{"bois", "Bois et ameublement", "dans l'ameublement", "des meubles en bois"},
		{"recyclage", "Recyclage", "dans le recyclage", "des matières premières recyclées"},
		{"spatial", "Spatial", "dans le spatial", "des satellites"},
		{"materiaux", "Matériaux de construction", "dans les matériaux", "du ciment bas carbone"},
		{"emballage", "Emballage", "dans l'emballage", "des emballages en carton"},
	}
}

// job is a trade, named in the feminine or the masculine in turn so that
// the fair shows every job to everyone.
type job struct {
	name    string // title form: "Technicienne de maintenance"
	subject string // in a sentence: "une technicienne de maintenance"
}

func jobs() []job {
	return []job{
		{"Technicienne de maintenance", "une technicienne de maintenance"},
		{"Ingénieur procédés", "un ingénieur procédés"},
		{"Opératrice de production", "une opératrice de production"},
		{"Soudeur", "un soudeur"},
		{"Conductrice de ligne", "une conductrice de ligne"},
		{"Automaticien", "un automaticien"},
		{"Analyste de données industrielles", "une analyste de données industrielles"},
		{"Apprenti électrotechnicien", "un apprenti électrotechnicien"},
		{"Responsable qualité", "une responsable qualité"},
		{"Dessinateur projeteur", "un dessinateur projeteur"},
		{"Logisticienne", "une logisticienne"},
		{"Chaudronnier", "un chaudronnier"},
		{"Roboticienne", "une roboticienne"},
		{"Technicien de laboratoire", "un technicien de laboratoire"},
		{"Acheteuse industrielle", "une acheteuse industrielle"},
		{"Usineur sur commande numérique", "un usineur sur commande numérique"},
		{"Chargée de sécurité et d'environnement", "une chargée de sécurité et d'environnement"},
		{"Ingénieure en efficacité énergétique", "une ingénieure en efficacité énergétique"},
		{"Technicien méthodes", "un technicien méthodes"},
		{"Pilote de ligne automatisée", "une pilote de ligne automatisée"},
	}
}

// topic is a hotspot template: title and text with placeholders
// {job} (title form), {Job}/{job} (sentence subject, capitalised or not),
// {dans}/{Dans} and {product}.
type topic struct{ title, text string }

// topics returns the templates of each challenge.
func topics() map[string][]topic {
	return map[string][]topic{
		"innovation": {
			{"{jobname} : inventer demain", "{Dans}, {job} teste de nouveaux procédés pour fabriquer {product}. Découvre comment une idée devient un produit fabriqué en série."},
			{"Du prototype à la série", "Avant de fabriquer {product}, l'équipe imprime des prototypes en 3D pour les essayer. {Job} explique comment on améliore un produit pas à pas."},
			{"Démonstration : un matériau nouveau", "{Job} présente un matériau plus léger et plus solide, utilisé {dans}. Cette innovation est née avec des élèves ingénieurs."},
			{"Quel métier est fait pour toi ?", "{Dans}, l'innovation a besoin de métiers très variés : concevoir, tester, fabriquer, réparer. {Job} raconte ce qui lui plaît dans son travail."},
		},
		"inclusion": {
			{"{jobname} : un métier pour toutes et tous", "{Dans}, ce métier est ouvert aux filles comme aux garçons, après un CAP, un bac pro ou un BTS. Écoute le témoignage d'une apprentie qui a choisi l'industrie."},
			{"Témoignage : changer de métier", "Après dix ans dans le commerce, Karim s'est reconverti {dans}. Il raconte sa formation en alternance et son premier jour à l'usine."},
			{"L'apprentissage, une voie d'avenir", "{Dans}, beaucoup de jeunes apprennent leur métier en alternance et sont payés pendant leur formation. Découvre le parcours de Léa, apprentie en deuxième année."},
			{"Un atelier accessible à tous", "L'atelier qui fabrique {product} accueille des salariés en situation de handicap. {Job} montre les postes de travail adaptés."},
		},
		"industrie-4.0": {
			{"Le jumeau numérique de l'usine", "Dans l'atelier, des capteurs suivent chaque machine en temps réel. {Job} analyse ces données pour prévenir les pannes avant qu'elles n'arrivent."},
			{"Visite virtuelle : la ligne automatisée", "Suis la fabrication de {product} sur une ligne pilotée par ordinateur. Des robots collaboratifs travaillent à côté des opérateurs."},
			{"La réalité augmentée en maintenance", "Avec des lunettes connectées, {job} voit les consignes s'afficher sur la machine. La maintenance devient plus sûre et plus rapide."},
			{"Robots et cobots", "{Dans}, les cobots portent les charges lourdes et les humains gardent les gestes de précision. {Job} apprend à programmer ces robots."},
		},
		"developpement-durable": {
			{"Recycler et réduire les déchets", "L'usine qui fabrique {product} réemploie ses chutes de matière et trie tous ses déchets. {Job} suit ces progrès chaque semaine."},
			{"Économiser l'énergie", "{Dans}, la chaleur des machines est récupérée pour chauffer les bureaux. {Job} mesure les économies réalisées."},
			{"L'eau, une ressource précieuse", "Ce site a divisé par deux sa consommation d'eau grâce à des circuits fermés. Découvre comment {job} contrôle la qualité de l'eau rejetée."},
			{"Produire près de chez toi", "Fabriquer {product} en France réduit les transports et crée des emplois locaux. {Job} présente les fournisseurs de la région."},
		},
	}
}

// fill replaces the placeholders of a template.
func fill(s string, sec sector, j job) string {
	return strings.NewReplacer(
		"{jobname}", j.name,
		"{Job}", capitalise(j.subject),
		"{job}", j.subject,
		"{Dans}", capitalise(sec.dans),
		"{dans}", sec.dans,
		"{product}", sec.product,
	).Replace(s)
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// landmark is a hand-written hotspot at one of the zone's landmarks.
type landmark struct {
	challenge, title, text string
}

// landmarks returns the hand-written hotspots of one landmark.
func landmarks(place string) []landmark {
	switch place {
	case "info":
		return []landmark{
			{"innovation", "Bienvenue à l'Usine Extraordinaire", "Ici commence ta visite d'une zone industrielle entière : port, usines et centrales. Approche-toi des points lumineux : chacun fait découvrir un métier, une machine ou un témoignage."},
			{"inclusion", "Quel métier est fait pour toi ?", "Aimes-tu bricoler, calculer, dessiner ou travailler en équipe ? L'industrie a un métier pour chacun de ces goûts, et tous sont ouverts aux filles comme aux garçons."},
			{"industrie-4.0", "Les quatre défis de l'industrie", "Innovation, inclusion, industrie 4.0 et développement durable : chaque contenu de la zone se rattache à l'un de ces défis. Suis les couleurs pour composer ton parcours."},
			{"developpement-durable", "Trouver sa formation", "CAP, bac pro, BTS, BUT, école d'ingénieurs : découvre les formations qui mènent aux métiers de l'industrie près de chez toi."},
		}
	case "agora":
		return []landmark{
			{"innovation", "L'agora du soir", "Chaque soir, trois intervenants parlent pendant une heure et demie d'un thème de l'industrie. Ces rencontres ont lieu ici, sur la place de l'agora."},
			{"inclusion", "Forum : Réinventons l'industrie", "Le forum de clôture réunit des professionnelles, des apprentis et des élèves ingénieurs. Ils racontent pourquoi ils ont choisi l'industrie."},
			{"developpement-durable", "Débat : produire sans gaspiller", "Des ingénieurs et des techniciennes expliquent comment les usines réduisent leurs déchets. Un débat ouvert aux classes inscrites."},
		}
	case "tidal":
		return []landmark{
			{"developpement-durable", "La force des marées", "La centrale marémotrice produit de l'électricité avec la marée qui monte et qui descend. Une énergie renouvelable et prévisible des mois à l'avance."},
			{"innovation", "Turbines sous la mer", "Les turbines tournent dans les deux sens, à marée montante comme à marée descendante. Découvre comment les ingénieurs les protègent du sel."},
			{"industrie-4.0", "Piloter une centrale à distance", "Depuis la salle de commande, les techniciens suivent chaque turbine sur écran. Les données de marée permettent de prévoir la production."},
			{"inclusion", "Technicienne d'exploitation hydraulique", "Elle surveille les vannes et les turbines de la centrale. Un métier accessible après un BTS, qui recrute des femmes comme des hommes."},
			{"developpement-durable", "Protéger la faune marine", "Des biologistes travaillent avec la centrale pour suivre les poissons et les oiseaux de l'estuaire. Industrie et nature peuvent avancer ensemble."},
		}
	case "port":
		return []landmark{
			{"inclusion", "Grutière portuaire", "Depuis sa cabine à trente mètres de haut, elle décharge les conteneurs des navires. Un métier qui demande précision et sang-froid."},
			{"industrie-4.0", "Le port connecté", "Chaque conteneur porte une puce qui indique sa position en temps réel. Les logisticiens savent où se trouve chaque marchandise."},
			{"developpement-durable", "Des navires branchés à quai", "À quai, les navires coupent leurs moteurs et se branchent sur le réseau électrique. L'air du port devient plus propre."},
			{"innovation", "Des grues électriques", "Les nouvelles grues récupèrent l'énergie quand elles descendent une charge. Découvre le métier d'électrotechnicien portuaire."},
			{"inclusion", "Logisticien : du bateau au camion", "Il organise le trajet des marchandises entre le navire, l'entrepôt et le camion. Un métier ouvert dès le bac pro logistique."},
			{"industrie-4.0", "La capitainerie", "La capitainerie guide les navires qui entrent et sortent du port. Radars et cartes numériques aident à éviter les collisions."},
		}
	case "thermal":
		return []landmark{
			{"industrie-4.0", "La salle de commande", "Des opérateurs pilotent la centrale thermique jour et nuit devant des écrans. Ils ajustent la production à la demande d'électricité."},
			{"developpement-durable", "Réduire les émissions", "La centrale capte une partie de ses fumées et récupère sa chaleur pour un réseau de chauffage urbain. Les ingénieurs cherchent à émettre toujours moins."},
			{"inclusion", "Ingénieure sûreté", "Elle vérifie que chaque intervention respecte les règles de sécurité. Un métier de terrain autant que de bureau."},
		}
	case "solar":
		return []landmark{
			{"developpement-durable", "Des panneaux solaires recyclables", "Le verre, l'aluminium et le silicium des panneaux se recyclent presque entièrement. Une filière industrielle qui crée des emplois en France."},
			{"innovation", "Suivre le soleil", "Ces panneaux pivotent au cours de la journée pour suivre le soleil. Ils produisent ainsi un quart d'électricité en plus."},
			{"industrie-4.0", "Des drones pour l'inspection", "Un drone équipé d'une caméra thermique repère les panneaux défectueux. Le technicien sait tout de suite où intervenir."},
		}
	case "wind":
		return []landmark{
			{"inclusion", "Technicienne de maintenance éolienne", "Elle monte à quatre-vingts mètres pour entretenir les éoliennes. Un métier qui recrute, accessible après un bac pro ou un BTS."},
			{"developpement-durable", "Le vent, une énergie locale", "Chaque éolienne de ce parc alimente plusieurs milliers de foyers. Découvre comment on choisit l'emplacement d'un parc."},
			{"innovation", "Des pales plus longues", "Les pales en matériaux composites sont plus longues et plus légères. Les ingénieurs les testent en soufflerie avant de les fabriquer."},
			{"industrie-4.0", "Une éolienne qui prévient ses pannes", "Des capteurs mesurent les vibrations de chaque éolienne. Un algorithme alerte l'équipe avant qu'une pièce ne casse."},
		}
	case "silo":
		return []landmark{
			{"developpement-durable", "Du champ à l'usine", "Les silos stockent les céréales des agriculteurs de la région avant leur transformation. Moins de transport, plus de produits locaux."},
			{"innovation", "Conductrice de silo", "Elle contrôle la température et l'humidité des grains pour éviter qu'ils ne s'abîment. Un métier à la croisée de l'agriculture et de l'industrie."},
		}
	}
	return nil
}
