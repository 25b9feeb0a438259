"""Volunteer points (积分), as Leshan's 嘉州积分 keeps them: earned for service to the compound,
spent in the marketplace or on a programme's points shelf, and kept in the same journal as the
yuan, in their own whole-number unit (``PTS``).

A programme (run by a community or street office) sets its activity kinds and their points, a
monthly cap per person, a redemption rate, an expiry and a sponsor fund in yuan. Points are
issued only from a roster that a second person of another role confirmed; they are held in lots
that expire, and spent oldest first. Everything here is pure: values and dates in, values out.
"""
