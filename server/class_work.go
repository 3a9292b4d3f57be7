package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/class"
)

// The class workers: what waits on the class store, off the hub. Each job
// ends with a command back to the hub (classDoneCmd, reloadCmd, a
// deliverCmd) or, for writes, nothing.

type classJobKind uint8

const (
	jobCreate classJobKind = iota + 1
	jobOpen
	jobList
	jobJoin
	jobLeave
	jobUpdate
	jobSteps
	jobReload
)

func (k classJobKind) String() string {
	switch k {
	case jobCreate:
		return "create"
	case jobOpen:
		return "open"
	case jobList:
		return "list"
	case jobJoin:
		return "join"
	case jobLeave:
		return "leave"
	case jobUpdate:
		return "update"
	case jobSteps:
		return "steps"
	case jobReload:
		return "reload"
	}
	return "other"
}

// classJob is one request for the workers.
type classJob struct {
	kind      classJobKind
	c         *conn // the client to answer, nil for a write
	req       uint32
	class     uint32
	name      string
	level     string
	code      string
	staffID   string
	staffName string
	organiser bool
	progress  string
	gen       uint32
	steps     uint64
	info      class.Class
	announce  bool // jobUpdate: tell the other nodes once it is written (KindChanged)
}

// classJob hands a job to the workers without waiting; a full queue
// answers the client with ERROR unavailable (a write is dropped, counted).
func (h *hub) classJob(j classJob) {
	select {
	case h.cls.work <- j:
	default:
		h.cls.m.requests.WithLabelValues(j.kind.String(), "queue_full").Inc()
		if j.c != nil {
			if cs := h.classSessOf(j.c); cs != nil {
				if j.kind == jobJoin {
					cs.joining = false
				}
				h.deliverTo(j.c, errorEvent(protocol.ErrUnavailable, j.req, "class requests queue full"))
			}
		}
	}
}

func errorEvent(code protocol.ErrorCode, ref uint32, format string, args ...any) protocol.ErrorEvent {
	return protocol.ErrorEvent{Code: code, Ref: ref, Message: fmt.Sprintf(format, args...)}
}

// classWorker runs jobs until ctx ends.
func (s *Server) classWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.hub.cls.work:
			s.doClassJob(ctx, j)
		}
	}
}

func (s *Server) doClassJob(ctx context.Context, j classJob) {
	st := s.cfg.Classes.Store
	done := func(d classDoneCmd) {
		d.kind, d.c, d.req = j.kind, j.c, j.req
		s.hub.send(ctx, d)
	}
	failed := func(err error) classDoneCmd {
		if errors.Is(err, class.ErrNotFound) {
			return classDoneCmd{code: protocol.ErrBadClass, why: "no such class"}
		}
		s.log.Warn("class store", "job", j.kind.String(), "err", err)
		return classDoneCmd{code: protocol.ErrUnavailable, why: "the class store cannot be reached"}
	}
	switch j.kind {
	case jobCreate:
		name, ok := s.classNames.checkClassName(j.name)
		if !ok {
			done(classDoneCmd{code: protocol.ErrBadClass, why: "class name refused: 3 to 40 letters, digits, spaces or - _ . ', no insult"})
			return
		}
		c, err := st.Create(ctx, class.Class{Name: name, Level: j.level, Teacher: j.staffID, TeacherName: j.staffName})
		if errors.Is(err, class.ErrTooMany) {
			done(classDoneCmd{code: protocol.ErrBadClass, why: fmt.Sprintf("a teacher has at most %d classes", class.MaxClasses)})
			return
		}
		if err != nil {
			done(failed(err))
			return
		}
		done(classDoneCmd{info: c})
	case jobOpen:
		c, err := st.Get(ctx, j.class)
		if err != nil {
			done(failed(err))
			return
		}
		if c.Teacher != j.staffID && !j.organiser {
			done(classDoneCmd{code: protocol.ErrNotAllowed, why: "another teacher's class"})
			return
		}
		ms, err := st.Members(ctx, c.ID)
		if err != nil {
			done(failed(err))
			return
		}
		done(classDoneCmd{info: c, members: ms})
	case jobList:
		cs, err := st.Teacher(ctx, j.staffID)
		if err != nil {
			s.hub.send(ctx, deliverCmd{avatar: j.c.avatar, ev: errorEvent(protocol.ErrUnavailable, j.req, "the class store cannot be reached")})
			return
		}
		ev := protocol.Classes{Req: j.req, Routes: s.hub.cls.routes.ready}
		for _, c := range cs {
			ms, err := st.Members(ctx, c.ID)
			if err != nil {
				s.hub.send(ctx, deliverCmd{avatar: j.c.avatar, ev: errorEvent(protocol.ErrUnavailable, j.req, "the class store cannot be reached")})
				return
			}
			ev.Classes = append(ev.Classes, protocol.ClassSummary{Class: c.ID, Name: c.Name, Level: c.Level, Code: c.Code, Closed: c.Closed, Pupils: uint32(len(ms))})
		}
		s.hub.send(ctx, classListCmd{c: j.c, ev: ev})
	case jobJoin:
		if j.code == "" {
			done(classDoneCmd{code: protocol.ErrBadCode})
			return
		}
		c, err := st.ByCode(ctx, j.code)
		switch {
		case errors.Is(err, class.ErrNotFound):
			done(classDoneCmd{code: protocol.ErrBadCode})
			return
		case err != nil:
			done(failed(err))
			return
		case c.Closed:
			done(classDoneCmd{code: protocol.ErrClassClosed, why: "this class is closed"})
			return
		}
		m, err := st.Join(ctx, c.ID, j.progress, j.staffName)
		switch {
		case errors.Is(err, class.ErrFull):
			done(classDoneCmd{code: protocol.ErrClassClosed, why: fmt.Sprintf("this class has %d pupils", class.MaxPupils)})
			return
		case errors.Is(err, class.ErrMember):
			done(classDoneCmd{code: protocol.ErrNotAllowed, why: "already in another class: CLASS_LEAVE first"})
			return
		case err != nil:
			done(failed(err))
			return
		}
		ms, err := st.Members(ctx, c.ID)
		if err != nil {
			done(failed(err))
			return
		}
		done(classDoneCmd{info: c, members: ms, member: m})
	case jobLeave:
		if err := st.Leave(ctx, j.class, j.progress); err != nil {
			s.log.Warn("class store", "job", "leave", "err", err)
		}
		s.hub.publishLater(j.class)
	case jobUpdate:
		if err := st.Update(ctx, j.info); err != nil {
			s.log.Warn("class store", "job", "update", "err", err)
		}
		if j.announce {
			s.hub.publishLater(j.info.ID)
		}
	case jobSteps:
		if err := st.SetSteps(ctx, j.class, j.progress, j.gen, j.steps); err != nil && !errors.Is(err, class.ErrNotFound) {
			s.log.Warn("class store", "job", "steps", "err", err)
		}
	case jobReload:
		c, err := st.Get(ctx, j.class)
		if err != nil {
			return
		}
		ms, err := st.Members(ctx, c.ID)
		if err != nil {
			return
		}
		s.hub.send(ctx, reloadCmd{info: c, members: ms})
	}
}

// publishLater tells the other nodes a class changed, from a worker (the
// bus's Publish never waits).
func (h *hub) publishLater(id uint32) {
	if h.cls.bus != nil {
		if !h.cls.bus.Publish(class.Message{Kind: class.KindChanged, Node: h.cls.node, Class: id}) {
			h.cls.m.busDrops.WithLabelValues("queue_full").Inc()
		}
	}
}

// classListCmd delivers CLASSES to the client that asked.
type classListCmd struct {
	c  *conn
	ev protocol.Classes
}

func (l classListCmd) run(h *hub) {
	if h.owns(l.c) {
		h.deliverTo(l.c, l.ev)
	}
}

// classLookup is the gateway's part: the class of a session's progress id
// (a resume, or a return with the progress key), read before the join so
// that the pupil joins the world in its class. A store that cannot be
// reached gives none (logged): the visit goes on outside the class.
func (s *Server) classLookup(ctx context.Context, progress string) classJoin {
	st := s.cfg.Classes.Store
	m, err := st.Membership(ctx, progress)
	if err != nil {
		if !errors.Is(err, class.ErrNotFound) {
			s.log.Warn("class store: membership not read", "err", err)
		}
		return classJoin{}
	}
	c, err := st.Get(ctx, m.Class)
	if err != nil {
		return classJoin{}
	}
	ms, err := st.Members(ctx, c.ID)
	if err != nil {
		return classJoin{}
	}
	return classJoin{member: &m, info: c, members: ms}
}

// classErase ends a visitor's class membership when their data is erased
// (ERASE): the member's line and their member-of key leave the store, the
// other nodes leading the class read it again (KindChanged), and so does
// this one (classReloadCmd), so that no teacher's list keeps the erased
// pseudonym. Called by the progress worker that erases the rest.
func (s *Server) classErase(ctx context.Context, progress string) error {
	if progress == "" {
		return nil
	}
	st := s.cfg.Classes.Store
	m, err := st.Membership(ctx, progress)
	switch {
	case errors.Is(err, class.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if err := st.Leave(ctx, m.Class, progress); err != nil {
		return err
	}
	s.hub.publishLater(m.Class)
	s.hub.send(ctx, classReloadCmd{class: m.Class})
	return nil
}

// classReloadCmd reads a class this node leads again from the store.
type classReloadCmd struct{ class uint32 }

func (r classReloadCmd) run(h *hub) {
	if lc := h.cls.live[r.class]; lc != nil {
		h.classJob(classJob{kind: jobReload, class: lc.info.ID})
	}
}
