import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { localServicesConfig } from './config.js';

await runService('local-services', localServicesConfig, (config) => AppModule.forRoot(config), process.env);
