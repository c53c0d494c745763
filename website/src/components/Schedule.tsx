/**
 * A track's timetable for the instructor, from the chapters' own times (chapter.json, read at
 * build time by plugins/workshop-chapters.mjs): when each chapter starts, counted from the start
 * of the session, with a break whenever 50 minutes of work or more have gone by since the last.
 */
import Link from '@docusaurus/Link';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { ReactNode } from 'react';

interface AgendaData {
  chapters: { folder: string; number: number; title: string; minutes: number; page?: string; write: { lines: number; steps: number } }[];
}

/** 75 → "1:15" */
const clock = (minutes: number): string => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * @param from, to      the first and last chapter of the track
 * @param breakMinutes  the length of a break (0: none); one is taken after the chapter that
 *                      completes 50 minutes of work or more since the last break
 */
export default function Schedule({ from, to, breakMinutes = 0 }: { from: number; to: number; breakMinutes?: number }): ReactNode {
  const { chapters } = usePluginData('workshop-chapters') as AgendaData;
  const track = chapters.filter((chapter) => chapter.number >= from && chapter.number <= to);
  if (track.length === 0) throw new Error(`<Schedule from={${from}} to={${to}} />: no chapter of the repository is in that range`);
  const rows: ReactNode[] = [];
  let at = 0;
  let sinceBreak = 0;
  track.forEach((chapter, index) => {
    rows.push(
      <tr key={chapter.folder}>
        <td>{clock(at)}</td>
        <td>{chapter.number}</td>
        <td>{chapter.page ? <Link to={chapter.page}>{chapter.title}</Link> : chapter.title}</td>
        <td>{chapter.minutes} min</td>
        <td>{chapter.write.steps > 0 ? `${chapter.write.lines} lines, ${chapter.write.steps} steps` : '–'}</td>
      </tr>,
    );
    at += chapter.minutes;
    sinceBreak += chapter.minutes;
    if (breakMinutes > 0 && sinceBreak >= 50 && index < track.length - 1) {
      rows.push(
        <tr key={`break-${chapter.folder}`}>
          <td>{clock(at)}</td>
          <td />
          <td>
            <em>Break</em>
          </td>
          <td>{breakMinutes} min</td>
          <td />
        </tr>,
      );
      at += breakMinutes;
      sinceBreak = 0;
    }
  });
  return (
    <table data-schedule={`${from}-${to}`}>
      <thead>
        <tr>
          <th>Starts at</th>
          <th>#</th>
          <th>Chapter</th>
          <th>Time</th>
          <th>Attendees write</th>
        </tr>
      </thead>
      <tbody>{rows}</tbody>
      <tfoot>
        <tr>
          <td>{clock(at)}</td>
          <td />
          <th>The end</th>
          <td />
          <td />
        </tr>
      </tfoot>
    </table>
  );
}
