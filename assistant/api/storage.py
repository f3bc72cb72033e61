"""Feedback, answers and unanswered questions: SQLite by default, any SQLAlchemy URL to scale out.
Everything is redacted before it is stored."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, DateTime, Integer, String, Text, create_engine, delete, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assistant.api.redaction import redact


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base."""


class AnswerRecord(Base):
    """One answer given (redacted question), so feedback can point at it."""

    __tablename__ = "answers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(20))
    abstained: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)


class FeedbackRecord(Base):
    """Thumbs up or down on an answer, with an optional (redacted) comment."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(36), index=True)
    rating: Mapped[str] = mapped_column(String(4))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)


class Storage:
    """Small repository over the three tables."""

    def __init__(self, url: str) -> None:
        kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, pool_pre_ping=True, **kwargs)
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                # WAL + NORMAL: no fsync per answer on the request path; still crash-safe.
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session."""
        return self._session()

    def record_answer(self, question: str, language: str, route: str, abstained: bool, reason: str | None) -> str:
        """Store an answer (question redacted); returns its id."""
        answer_id = str(uuid.uuid4())
        with self.session() as s, s.begin():
            s.add(AnswerRecord(id=answer_id, question=redact(question)[:2000], language=language, route=route,
                               abstained=abstained, reason=reason))
        return answer_id

    def answer_exists(self, answer_id: str) -> bool:
        """True when ``answer_id`` was given by this service."""
        with self.session() as s:
            return s.get(AnswerRecord, answer_id) is not None

    def add_feedback(self, answer_id: str, rating: str, comment: str | None) -> int:
        """Store feedback (comment redacted)."""
        with self.session() as s, s.begin():
            rec = FeedbackRecord(answer_id=answer_id, rating=rating, comment=redact(comment) if comment else None)
            s.add(rec)
            s.flush()
            return rec.id

    def feedback(self, limit: int = 100) -> list[dict]:
        """Newest feedback first, with the question it was about."""
        with self.session() as s:
            rows = s.execute(
                select(FeedbackRecord, AnswerRecord.question)
                .join(AnswerRecord, AnswerRecord.id == FeedbackRecord.answer_id, isouter=True)
                .order_by(FeedbackRecord.created_at.desc()).limit(limit)
            ).all()
            return [{"id": f.id, "answer_id": f.answer_id, "rating": f.rating, "comment": f.comment,
                     "question": q, "created_at": f.created_at.isoformat()} for f, q in rows]

    def unanswered(self, limit: int = 100) -> list[dict]:
        """Newest questions the assistant abstained on (for curation)."""
        with self.session() as s:
            rows = s.scalars(select(AnswerRecord).where(AnswerRecord.abstained.is_(True))
                             .order_by(AnswerRecord.created_at.desc()).limit(limit)).all()
            return [{"answer_id": r.id, "question": r.question, "language": r.language, "reason": r.reason,
                     "created_at": r.created_at.isoformat()} for r in rows]

    def purge(self, older_than_days: int) -> int:
        """Delete answers and feedback older than the retention period; returns rows deleted."""
        cutoff = _now() - dt.timedelta(days=older_than_days)
        with self.session() as s, s.begin():
            n = getattr(s.execute(delete(FeedbackRecord).where(FeedbackRecord.created_at < cutoff)), "rowcount", 0) or 0
            n += getattr(s.execute(delete(AnswerRecord).where(AnswerRecord.created_at < cutoff)), "rowcount", 0) or 0
        return int(n)
