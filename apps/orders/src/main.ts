import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { ordersConfig } from './config.js';

await runService('orders', ordersConfig, (config) => AppModule.forRoot(config), process.env);
