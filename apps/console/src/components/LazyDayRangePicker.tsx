import { lazy, Suspense, type ComponentProps } from 'react';
import { Skeleton } from 'antd';

const Picker = lazy(() => import('./DayRangePicker'));

/** The range picker, fetched when first shown (the date picker is not part of any area's first screen). */
export function DayRangePicker(props: ComponentProps<typeof Picker>) {
  return (
    <Suspense fallback={<Skeleton.Input active size="small" />}>
      <Picker {...props} />
    </Suspense>
  );
}
