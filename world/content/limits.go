package content

import "time"

// Limits of a contents file that Load accepts. They keep a hostile or
// mistaken file from exhausting memory and keep texts to what the page
// shows.
const (
	MaxFileBytes        = 8 << 20 // the contents file
	MaxCaptionsBytes    = 1 << 20 // one WebVTT file
	MaxEntries          = 20000   // contents, jobs, booths or sectors in one file
	MaxIDBytes          = 64      // ids and keys
	MaxTitleBytes       = 120     // titles, stand and company names, job names
	MaxTextBytes        = 4000    // a content's text
	MaxShortBytes       = 400     // captions, prompts, choices, alt texts, job descriptions
	MaxExplanationBytes = 1000    // a quiz explanation
	MaxNameBytes        = 60      // a speaker's name
	MaxPathBytes        = 256     // a media path
	MaxJobsPerContent   = 10
	MinSteps            = 2 // steps of a visite
	MaxSteps            = 12
	MaxQuizQuestions    = 10
	MinChoices          = 2 // choices of a question, quiz or questionnaire
	MaxChoices          = 6
	MinQuestionnaire    = 3 // questions of the questionnaire
	MaxQuestionnaire    = 20
	MaxResults          = 5 // jobs the questionnaire ends on
	MaxPoints           = 100
	MaxQuestionPoints   = 50
	MinAge              = 14
	MaxAge              = 80
)

// Version is the contents file format this package reads.
const Version = 1

// Reading time (see ReadingTime).
const (
	WordsPerMinute = 200
	MinReadingTime = 5 * time.Second
	MaxReadingTime = 2 * time.Minute
)
