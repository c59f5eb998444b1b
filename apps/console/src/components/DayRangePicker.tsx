import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { DayRange } from '../hooks/growth';

/**
 * A range of days (`YYYY-MM-DD`, both ends included) or none. Loads dayjs' Chinese locale so the
 * calendar speaks the console's language. Loaded lazily (antd's date picker and dayjs are large), so
 * no first screen carries it.
 */
export default function DayRangePicker({ value, onChange, testId }: { value: DayRange | undefined; onChange: (range: DayRange | undefined) => void; testId?: string }) {
  return (
    <DatePicker.RangePicker
      allowClear
      data-testid={testId}
      value={value ? [dayjs(value.from), dayjs(value.to)] : null}
      onChange={(dates) => onChange(dates?.[0] && dates[1] ? { from: dates[0].format('YYYY-MM-DD'), to: dates[1].format('YYYY-MM-DD') } : undefined)}
    />
  );
}
